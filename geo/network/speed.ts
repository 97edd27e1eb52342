// The walking speed every walking analysis assumes unless told otherwise: the seeded 15-minute rules
// (migrations/004_rules.sql), the isochrone tool and API, the life circles and the rule form.
//
// Source: GB 50180-2018《城市居住区规划设计标准》 states the 5/10/15-minute life circles as walking
// distances of 300 / 500 / 800–1,000 m; planners convert at ≈ 60–70 m/min. 65 m/min walks 975 m in
// 15 minutes — the upper end of the standard's 15-minute distance and the ≈ 1 km of the 15-minute
// convenience-circle (便民生活圈) guidance — and 325 m in 5 minutes, next to the standard's 300 m.
// Change it here only: tests/reference-seeds.test.ts checks that the seeded rules agree.

/** Metres per minute of an adult walking (GB 50180-2018's circles, see above). */
export const WALK_SPEED_M_PER_MIN = 65;

/** Elderly people and children (the isochrone tool's slow profile). */
export const SLOW_WALK_SPEED_M_PER_MIN = 50;
