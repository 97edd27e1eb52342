// Facility categories (the server seeds the same list) and the default OSM tag → category mapping.
// Category codes are snake_case English; names are what planners see in the legend.
import type { TagMapping } from '../types';

export interface FacilityCategory {
	code: string;
	nameZh: string;
	nameEn: string;
	/** Marker colour, picked to stay distinct and readable on a light basemap. */
	color: string;
}

export const FACILITY_CATEGORIES: FacilityCategory[] = [
	{ code: 'school', nameZh: '中小学', nameEn: 'School', color: '#1f5fbf' },
	{ code: 'kindergarten', nameZh: '幼儿园/托育', nameEn: 'Kindergarten / childcare', color: '#4f9de0' },
	{ code: 'clinic', nameZh: '医疗卫生', nameEn: 'Clinic / hospital', color: '#d62728' },
	{ code: 'pharmacy', nameZh: '药店', nameEn: 'Pharmacy', color: '#e7708a' },
	{ code: 'elderly_care', nameZh: '养老服务', nameEn: 'Elderly care', color: '#8c564b' },
	{ code: 'supermarket', nameZh: '超市/便利店', nameEn: 'Supermarket / convenience store', color: '#ff7f0e' },
	{ code: 'market', nameZh: '菜市场', nameEn: 'Fresh market', color: '#bf8f00' },
	{ code: 'restaurant', nameZh: '餐饮', nameEn: 'Restaurant', color: '#e6550d' },
	{ code: 'park', nameZh: '公园绿地', nameEn: 'Park / garden', color: '#2ca02c' },
	{ code: 'plaza', nameZh: '广场', nameEn: 'Public square', color: '#7f9c3a' },
	{ code: 'fitness', nameZh: '体育健身', nameEn: 'Sports / fitness', color: '#17a589' },
	{ code: 'bank', nameZh: '银行', nameEn: 'Bank', color: '#6b4c9a' },
	{ code: 'post_express', nameZh: '邮政快递', nameEn: 'Post / parcel lockers', color: '#2e7d32' },
	{ code: 'community_centre', nameZh: '社区服务中心', nameEn: 'Community centre', color: '#c2185b' },
	{ code: 'police', nameZh: '派出所/警务室', nameEn: 'Police', color: '#283593' },
	{ code: 'fire_station', nameZh: '消防站', nameEn: 'Fire station', color: '#b71c1c' },
	{ code: 'emergency_shelter', nameZh: '应急避难场所', nameEn: 'Emergency assembly point', color: '#f4511e' },
	{ code: 'telecom', nameZh: '通信营业厅', nameEn: 'Telecom shop / office', color: '#5c6bc0' },
	{ code: 'culture', nameZh: '文化设施', nameEn: 'Library / museum / theatre', color: '#9c27b0' },
	{ code: 'bus_stop', nameZh: '公交站', nameEn: 'Bus stop', color: '#00838f' },
	{ code: 'metro_station', nameZh: '地铁站', nameEn: 'Metro station / entrance', color: '#0d47a1' },
	{ code: 'toilets', nameZh: '公共厕所', nameEn: 'Public toilets', color: '#607d8b' }
];

const m = (key: string, value: string, category: string): TagMapping => ({ key, value, category });

/**
 * Checked in order; the first match wins, so specific tags come before broad ones
 * (healthcare=pharmacy before healthcare=*, social_facility values before amenity=social_facility).
 */
export const DEFAULT_TAG_MAPPING: TagMapping[] = [
	// Education: OSM does not tell primary from junior secondary schools reliably, so one category.
	m('amenity', 'school', 'school'),
	m('amenity', 'kindergarten', 'kindergarten'),
	m('amenity', 'childcare', 'kindergarten'),
	// Health
	m('amenity', 'pharmacy', 'pharmacy'),
	m('healthcare', 'pharmacy', 'pharmacy'),
	m('amenity', 'clinic', 'clinic'),
	m('amenity', 'doctors', 'clinic'),
	m('amenity', 'hospital', 'clinic'),
	m('amenity', 'dentist', 'clinic'),
	m('healthcare', '*', 'clinic'),
	// Elderly care
	m('social_facility', 'nursing_home', 'elderly_care'),
	m('social_facility', 'assisted_living', 'elderly_care'),
	m('social_facility', 'group_home', 'elderly_care'),
	m('amenity', 'nursing_home', 'elderly_care'),
	m('amenity', 'social_facility', 'elderly_care'),
	// Daily shopping and food
	m('shop', 'supermarket', 'supermarket'),
	m('shop', 'convenience', 'supermarket'),
	m('amenity', 'marketplace', 'market'),
	m('shop', 'greengrocer', 'market'),
	m('amenity', 'restaurant', 'restaurant'),
	m('amenity', 'fast_food', 'restaurant'),
	// Open space and sport
	m('leisure', 'park', 'park'),
	m('leisure', 'garden', 'park'),
	m('place', 'square', 'plaza'),
	// Only reaches facilities as an area (highway=pedestrian + area=yes): pedestrian streets are lines.
	m('highway', 'pedestrian', 'plaza'),
	m('leisure', 'fitness_station', 'fitness'),
	m('leisure', 'fitness_centre', 'fitness'),
	m('leisure', 'sports_centre', 'fitness'),
	m('leisure', 'pitch', 'fitness'),
	m('leisure', 'track', 'fitness'),
	// Services
	m('amenity', 'bank', 'bank'),
	m('amenity', 'post_office', 'post_express'),
	m('amenity', 'parcel_locker', 'post_express'),
	m('office', 'courier', 'post_express'),
	m('amenity', 'community_centre', 'community_centre'),
	m('office', 'government', 'community_centre'),
	m('amenity', 'police', 'police'),
	m('amenity', 'fire_station', 'fire_station'),
	m('emergency', 'assembly_point', 'emergency_shelter'),
	m('shop', 'mobile_phone', 'telecom'),
	m('office', 'telecommunication', 'telecom'),
	m('amenity', 'library', 'culture'),
	m('amenity', 'arts_centre', 'culture'),
	m('amenity', 'theatre', 'culture'),
	m('tourism', 'museum', 'culture'),
	// Transport
	m('highway', 'bus_stop', 'bus_stop'),
	m('station', 'subway', 'metro_station'),
	m('railway', 'subway_entrance', 'metro_station'),
	m('amenity', 'toilets', 'toilets')
];
