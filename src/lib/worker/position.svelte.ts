// The phone's position (watchPosition, high accuracy) as page state, with its accuracy in metres.
export class PhonePosition {
	current = $state<{ lon: number; lat: number; accuracy: number; at: number } | null>(null);
	error = $state<string | null>(null);
	private watch: number | null = null;

	start(): () => void {
		if (!('geolocation' in navigator)) {
			this.error = 'no geolocation';
			return () => {};
		}
		this.watch = navigator.geolocation.watchPosition(
			(p) => {
				this.current = { lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy, at: p.timestamp };
				this.error = null;
			},
			(e) => (this.error = e.message || `error ${e.code}`),
			{ enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 }
		);
		return () => {
			if (this.watch !== null) navigator.geolocation.clearWatch(this.watch);
		};
	}
}
