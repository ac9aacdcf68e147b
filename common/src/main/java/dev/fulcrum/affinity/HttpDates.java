package dev.fulcrum.affinity;

/**
 * Formats the {@code Expires} date of a cookie as RFC 1123 / RFC 6265 {@code sane-cookie-date}
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}: two-digit day, English names, GMT), without the formatter machinery of
 * {@code java.time} because a new pin is made on the request path.
 */
final class HttpDates {

    private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private HttpDates() {
    }

    /** Appends the date of {@code epochSecond} (1970–9999). */
    static void append(StringBuilder out, long epochSecond) {
        final long days = Math.floorDiv(epochSecond, 86_400L);
        final int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        // Days since 1970-01-01 to the civil date (proleptic Gregorian), after H. Hinnant's days_from_civil inverse.
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long dayOfEra = z - era * 146_097;
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long mp = (5 * dayOfYear + 2) / 153;
        final int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        final int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        out.append(DAYS[(int) Math.floorMod(days, 7L)]).append(", ");
        two(out, day);
        out.append(' ').append(MONTHS[month - 1]).append(' ').append(year).append(' ');
        two(out, secondOfDay / 3600);
        out.append(':');
        two(out, secondOfDay / 60 % 60);
        out.append(':');
        two(out, secondOfDay % 60);
        out.append(" GMT");
    }

    private static void two(StringBuilder out, int value) {
        out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
