// MapLibre's own control texts (zoom buttons, scale units, attribution toggle) in our languages.
import type { Lang } from './index';

const zh: Record<string, string> = {
	'AttributionControl.ToggleAttribution': '显示/隐藏数据来源',
	'Map.Title': '地图',
	'NavigationControl.ResetBearing': '拖动旋转地图，点击恢复正北',
	'NavigationControl.ZoomIn': '放大',
	'NavigationControl.ZoomOut': '缩小',
	'Popup.Close': '关闭',
	'ScaleControl.Meters': '米',
	'ScaleControl.Kilometers': '公里'
};

export function maplibreLocale(lang: Lang): Record<string, string> {
	return lang === 'zh' ? zh : {};
}
