package dev.fulcrum.routing.steering;

/** Great-circle distance for {@code proximity} steering; computed once per pool at snapshot time, never per request. */
public final class GreatCircle {

    /** Mean Earth radius (IUGG), kilometres. */
    private static final double EARTH_RADIUS_KM = 6371.0088;

    private GreatCircle() {
    }

    /** Haversine distance in kilometres between two points in decimal degrees; NaN if any input is NaN. */
    public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        final double p1 = Math.toRadians(lat1);
        final double p2 = Math.toRadians(lat2);
        final double dp = p2 - p1;
        final double dl = Math.toRadians(lon2 - lon1);
        final double a = Math.sin(dp / 2) * Math.sin(dp / 2)
                + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1.0, Math.sqrt(a)));
    }
}
