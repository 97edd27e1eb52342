-- Walking edges measured on the WGS-84 ellipsoid (issue 23): lengths stored before this were on the
-- sphere (haversine), 0.2 % short east–west and 0.3 % long north–south around 32° N — metres on a
-- 1 km walk, enough to flip a building near a rule's radius — while straight distances used WGS-84.
-- geo/network now measures new edges on the ellipsoid; here the stored ones are remeasured with
-- PostGIS's geodesic on the same ellipsoid (within millimetres of geo/measure). Running it again
-- writes the same lengths.
UPDATE walk_edges SET length_m = ST_Length(geom::geography, true);
