-- The OSM tag → facility category mapping (issue 23), seeded here like the categories, the rules and
-- the case categories, so an OSM facilities import works on any database — not only after the demo
-- loader, which seeded it before. The rows are geo/osm/tag-mapping.ts's DEFAULT_TAG_MAPPING in its
-- order (priority = position: specific tags before broad ones); tests/reference-seeds.test.ts checks
-- that the two agree. Seeded only into an empty table: a city that has a mapping (the demo's, or its
-- own edits through `gridatlas mapping`) keeps it as it is.
INSERT INTO facility_tag_mappings (osm_key, osm_value, category_code, priority)
SELECT v.osm_key, v.osm_value, v.category_code, v.priority
FROM (VALUES
	('amenity', 'school', 'school', 0),
	('amenity', 'kindergarten', 'kindergarten', 1),
	('amenity', 'childcare', 'kindergarten', 2),
	('amenity', 'pharmacy', 'pharmacy', 3),
	('healthcare', 'pharmacy', 'pharmacy', 4),
	('amenity', 'clinic', 'clinic', 5),
	('amenity', 'doctors', 'clinic', 6),
	('amenity', 'hospital', 'clinic', 7),
	('amenity', 'dentist', 'clinic', 8),
	('healthcare', '*', 'clinic', 9),
	('social_facility', 'nursing_home', 'elderly_care', 10),
	('social_facility', 'assisted_living', 'elderly_care', 11),
	('social_facility', 'group_home', 'elderly_care', 12),
	('amenity', 'nursing_home', 'elderly_care', 13),
	('amenity', 'social_facility', 'elderly_care', 14),
	('shop', 'supermarket', 'supermarket', 15),
	('shop', 'convenience', 'supermarket', 16),
	('amenity', 'marketplace', 'market', 17),
	('shop', 'greengrocer', 'market', 18),
	('amenity', 'restaurant', 'restaurant', 19),
	('amenity', 'fast_food', 'restaurant', 20),
	('leisure', 'park', 'park', 21),
	('leisure', 'garden', 'park', 22),
	('place', 'square', 'plaza', 23),
	('highway', 'pedestrian', 'plaza', 24),
	('leisure', 'fitness_station', 'fitness', 25),
	('leisure', 'fitness_centre', 'fitness', 26),
	('leisure', 'sports_centre', 'fitness', 27),
	('leisure', 'pitch', 'fitness', 28),
	('leisure', 'track', 'fitness', 29),
	('amenity', 'bank', 'bank', 30),
	('amenity', 'post_office', 'post_express', 31),
	('amenity', 'parcel_locker', 'post_express', 32),
	('office', 'courier', 'post_express', 33),
	('amenity', 'community_centre', 'community_centre', 34),
	('office', 'government', 'community_centre', 35),
	('amenity', 'police', 'police', 36),
	('amenity', 'fire_station', 'fire_station', 37),
	('emergency', 'assembly_point', 'emergency_shelter', 38),
	('shop', 'mobile_phone', 'telecom', 39),
	('office', 'telecommunication', 'telecom', 40),
	('amenity', 'library', 'culture', 41),
	('amenity', 'arts_centre', 'culture', 42),
	('amenity', 'theatre', 'culture', 43),
	('tourism', 'museum', 'culture', 44),
	('highway', 'bus_stop', 'bus_stop', 45),
	('station', 'subway', 'metro_station', 46),
	('railway', 'subway_entrance', 'metro_station', 47),
	('amenity', 'toilets', 'toilets', 48)
) AS v (osm_key, osm_value, category_code, priority)
WHERE EXISTS (SELECT 1 FROM facility_categories c WHERE c.code = v.category_code)
	AND NOT EXISTS (SELECT 1 FROM facility_tag_mappings)
ON CONFLICT (osm_key, osm_value) DO NOTHING;
