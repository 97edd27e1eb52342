-- The tile store (src/lib/server/map/tile-store.ts) keeps built tiles in a folder beside the app, named
-- by data version. A version names the same data only within one life of the database: a restore takes
-- the versions back, and later writes would give old numbers to new data. This token names that life:
-- made here once, made anew by every restore (gridatlas restore), and part of the store's folder name.
INSERT INTO app_settings (key, value)
VALUES ('tile_store_epoch', to_jsonb(md5(random()::text || clock_timestamp()::text)))
ON CONFLICT (key) DO NOTHING;
