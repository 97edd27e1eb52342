/// <reference path="../vendor.d.ts" />
// Raw OSM data in the Overpass-JSON shape ({elements:[...]}) that osmtogeojson accepts.
// Both readers (XML here, PBF in ./pbf.ts) produce this shape so everything downstream is format-blind.
import { XMLParser } from 'fast-xml-parser';
import { FileProblem } from '../issues';
import type { ArchiveLimits } from '../archive';
import { parseOsmPbf } from './pbf';
import type { OsmElement, OsmRelationMember } from './element-types';
export type { OsmElement, OsmNode, OsmRelation, OsmRelationMember, OsmWay } from './element-types';

/** Elements that repeat in OSM XML; the parser must always give arrays for them, even with one child. */
const REPEATED_XML_ELEMENTS = new Set(['node', 'way', 'relation', 'tag', 'nd', 'member']);

interface XmlTag {
	k: string;
	v: string;
}
interface XmlElement {
	id: string;
	lat?: string;
	lon?: string;
	tag?: XmlTag[];
	nd?: { ref: string }[];
	member?: { type: OsmRelationMember['type']; ref: string; role?: string }[];
}

function tagsOf(element: XmlElement): Record<string, string> {
	const tags: Record<string, string> = {};
	for (const tag of element.tag ?? []) tags[String(tag.k)] = String(tag.v);
	return tags;
}

/**
 * The parser reads a file cut off mid-element as far as it goes without a word, and a truncated
 * download would import as a success with part of its data (or none): a whole file ends with </osm>.
 */
function assertCompleteOsmXml(text: string): void {
	const tail = text.slice(text.lastIndexOf('</osm')).replace(/<!--[\s\S]*?-->/g, '');
	if (/^<\/osm\s*>\s*$/.test(tail) || /<osm\b[^>]*\/>\s*$/.test(text.slice(-4096))) return;
	throw new FileProblem('damaged-file', {
		zh: 'OSM 文件在 </osm> 结束标记之前就中断了，文件不完整（可能下载或上传时被截断），请重新导出后上传',
		en: 'the OSM file ends before </osm>: it is truncated (cut off in a download or upload); export it again and re-upload'
	});
}

/** OSM XML (as written by JOSM, Overpass or the OSM API) → OSM JSON elements. Throws FileProblem "damaged-file" when truncated. */
export function parseOsmXml(text: string): OsmElement[] {
	assertCompleteOsmXml(text);
	const parser = new XMLParser({
		ignoreAttributes: false,
		attributeNamePrefix: '',
		// Keep ids, names and tag values as strings: "0123" names and long ids must survive intact.
		parseAttributeValue: false,
		isArray: (name) => REPEATED_XML_ELEMENTS.has(name)
	});
	const doc = parser.parse(text) as { osm?: { node?: XmlElement[]; way?: XmlElement[]; relation?: XmlElement[] } };
	const osm = doc.osm;
	if (!osm || typeof osm !== 'object') throw new Error('no <osm> root element');
	const elements: OsmElement[] = [];
	for (const n of osm.node ?? []) {
		elements.push({ type: 'node', id: Number(n.id), lat: Number(n.lat), lon: Number(n.lon), tags: tagsOf(n) });
	}
	for (const w of osm.way ?? []) {
		elements.push({ type: 'way', id: Number(w.id), nodes: (w.nd ?? []).map((nd) => Number(nd.ref)), tags: tagsOf(w) });
	}
	for (const r of osm.relation ?? []) {
		elements.push({
			type: 'relation',
			id: Number(r.id),
			members: (r.member ?? []).map((m) => ({ type: m.type, ref: Number(m.ref), role: String(m.role ?? '') })),
			tags: tagsOf(r)
		});
	}
	return elements;
}

export async function readOsmElements(bytes: Uint8Array, format: 'osm-xml' | 'osm-pbf', limits?: ArchiveLimits): Promise<OsmElement[]> {
	return format === 'osm-pbf' ? parseOsmPbf(bytes, limits) : parseOsmXml(new TextDecoder('utf-8').decode(bytes));
}
