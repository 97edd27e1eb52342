-- Official counts (issue 23): household and population registers (实有房屋 / 实有人口 summaries) replace
-- the estimates of the buildings and communities they name, are marked official, and the estimate stays
-- beside them; facilities keep the attributes capacity rules need. Forward-only and idempotent: every
-- statement can run again and changes nothing the second time.

-- Buildings: `households` is the count in use; `households_official` marks one from a register (then
-- `households_estimated` is false); `households_estimate` is the footprint × floors ÷ dwelling-size
-- estimate, kept whatever the count in use is. `population` comes from a register only.
ALTER TABLE buildings ADD COLUMN IF NOT EXISTS households_estimate integer;
ALTER TABLE buildings ADD COLUMN IF NOT EXISTS households_official boolean NOT NULL DEFAULT false;
ALTER TABLE buildings ADD COLUMN IF NOT EXISTS population integer;
ALTER TABLE buildings ADD COLUMN IF NOT EXISTS official_source text;
UPDATE buildings SET households_estimate = households WHERE households_estimate IS NULL AND households_estimated;

-- Communities: a register's counts are official; the sum of the buildings' estimates stays visible.
ALTER TABLE communities ADD COLUMN IF NOT EXISTS households_official boolean NOT NULL DEFAULT false;
ALTER TABLE communities ADD COLUMN IF NOT EXISTS population_official boolean NOT NULL DEFAULT false;
ALTER TABLE communities ADD COLUMN IF NOT EXISTS official_source text;

-- Facilities: seats (座位/托位), beds (床位), floor_area_m2 (建筑面积), opening_hours (开放时间); each key
-- only when the import gave it (docs/import.md).
ALTER TABLE facilities ADD COLUMN IF NOT EXISTS attributes jsonb;
