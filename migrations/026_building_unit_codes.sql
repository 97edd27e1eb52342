-- A building's community and grid are derived (where its interior point lies), as a case's units are
-- (010). Their foreign keys were checked row by row on insert, a third of an import's database time
-- (two index probes and a trigger call per building). Instead, as for cases, the rarely written side
-- does what the keys did: a deleted unit leaves its buildings without it (set-based, one UPDATE per
-- statement), a renamed code follows into them. The import keeps its codes true by holding the
-- boundaries from its last check until it commits (src/lib/server/imports/write-layers.ts).
ALTER TABLE buildings DROP CONSTRAINT IF EXISTS buildings_community_code_fkey;
ALTER TABLE buildings DROP CONSTRAINT IF EXISTS buildings_grid_code_fkey;

CREATE OR REPLACE FUNCTION unit_code_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- TG_ARGV: the table and column holding this table's code.
	EXECUTE format('UPDATE %1$I SET %2$I = NULL WHERE %2$I IN (SELECT code FROM old_rows)', TG_ARGV[0], TG_ARGV[1]);
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION unit_code_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('UPDATE %1$I SET %2$I = $1 WHERE %2$I = $2', TG_ARGV[0], TG_ARGV[1]) USING NEW.code, OLD.code;
	RETURN NULL;
END $$;

DO $$
DECLARE unit text[];
BEGIN
	FOREACH unit SLICE 1 IN ARRAY ARRAY[['grids', 'grid_code'], ['communities', 'community_code']] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', unit[1] || '_buildings_deleted', unit[1]);
		EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
			FOR EACH STATEMENT EXECUTE FUNCTION unit_code_deleted(%L, %L)', unit[1] || '_buildings_deleted', unit[1], 'buildings', unit[2]);
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', unit[1] || '_buildings_renamed', unit[1]);
		EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF code ON %I FOR EACH ROW
			WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION unit_code_renamed(%L, %L)', unit[1] || '_buildings_renamed', unit[1], 'buildings', unit[2]);
	END LOOP;
END $$;

-- Codes left behind (the keys kept them consistent, so normally none).
UPDATE buildings b SET grid_code = NULL WHERE grid_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM grids g WHERE g.code = b.grid_code);
UPDATE buildings b SET community_code = NULL WHERE community_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM communities c WHERE c.code = b.community_code);
