// Data-readiness shapes the browser reads too (checklist, wizard, the plan editor's flagged buildings); no server code here.
import type { MessageKey } from '../i18n';
import type { LayerName } from '$geo/types';
import type { ImplausibleReason } from '$geo/households/plausibility';

export type ReadinessState = 'ok' | 'partial' | 'missing';

export type ReadinessGroup = 'boundaries' | 'buildings' | 'facilities' | 'network' | 'rules';

export interface ReadinessItem {
	id: string;
	group: ReadinessGroup;
	state: ReadinessState;
	/** Nice to have (the basemap's land cover): a gap is shown, but no analysis depends on it. */
	optional?: boolean;
	/** What is there, and (for a gap) what follows from it: message keys with their parameters. */
	have: { key: MessageKey; params: Record<string, string | number> };
	consequence?: { key: MessageKey; params: Record<string, string | number> };
	/** The import (or page) that fills the gap; or the command when no page does. */
	action?: { href: string; key: MessageKey };
	command?: string;
}

export interface WizardStep {
	layer: LayerName;
	done: boolean;
	count: number;
}

export interface Readiness {
	items: ReadinessItem[];
	/** The first-run order of imports: boundaries top-down, then buildings, roads, facilities. */
	steps: WizardStep[];
	/** Every item without a gap (optional ones aside). */
	ready: boolean;
}

export interface ImplausibleBuilding {
	id: number;
	sourceId: string;
	name: string | null;
	communityCode: string | null;
	gridCode: string | null;
	households: number;
	estimated: boolean;
	footprintM2: number;
	levels: number | null;
	lon: number;
	lat: number;
	reasons: ImplausibleReason[];
}
