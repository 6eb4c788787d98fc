//! Round axis ticks: a value axis from 0 to a "nice" maximum in steps of 1, 2 or 5 × 10ⁿ.

/// The tick step and the axis maximum for values up to `max`, with at most `max_ticks` steps
/// (at least one). A non-positive or non-finite `max` gives the axis 0–1.
pub(crate) fn nice_axis(max: f64, max_ticks: u32) -> (f64, f64) {
    let max_ticks = f64::from(max_ticks.max(1));
    if !max.is_finite() || max <= 0.0 {
        return (1.0, 1.0);
    }
    // Whole counts: a step below 1 would label ticks 0.2, 0.4, … for "1 task".
    let raw = (max / max_ticks).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let top = (max / step).ceil() * step;
    (step, top.max(step))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_axis(300.0, 5), (100.0, 300.0));
        assert_eq!(nice_axis(301.0, 5), (100.0, 400.0));
        assert_eq!(nice_axis(7.0, 5), (2.0, 8.0));
        assert_eq!(nice_axis(1.0, 5), (1.0, 1.0));
        assert_eq!(nice_axis(1342.0, 4), (500.0, 1500.0));
        assert_eq!(nice_axis(0.0, 5), (1.0, 1.0));
        assert_eq!(nice_axis(f64::NAN, 5), (1.0, 1.0));
    }

    #[test]
    fn huge_values_stay_finite() {
        let (step, top) = nice_axis(u64::MAX as f64, 5);
        assert!(step.is_finite() && top.is_finite() && top >= u64::MAX as f64);
    }
}
