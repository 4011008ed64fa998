//! Figures beside their aims, as the issue states them (ratios to a ceiling
//! measured in the same run, so they hold on any machine).

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Aim {
    AtLeast(f64),
    AtMost(f64),
    Exactly(f64),
    /// Printed for the record, no aim.
    Info,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub name: String,
    pub value: f64,
    pub aim: Aim,
}

impl Row {
    pub fn new(name: &str, value: f64, aim: Aim) -> Self {
        Self {
            name: name.to_owned(),
            value,
            aim,
        }
    }

    pub fn info(name: &str, value: f64) -> Self {
        Self::new(name, value, Aim::Info)
    }

    pub fn met(&self) -> bool {
        match self.aim {
            Aim::AtLeast(a) => self.value >= a,
            Aim::AtMost(a) => self.value <= a,
            Aim::Exactly(a) => (self.value - a).abs() < 1e-9,
            Aim::Info => true,
        }
    }
}

/// `part / whole`, 0 when there is no whole to compare with.
pub fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.abs() < 10.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.1}")
    }
}

/// A Markdown table, so a run's output can go into docs/PERFORMANCE.md as it is.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from("| figure | measured | aim | |\n|---|---:|---|---|\n");
    for r in rows {
        let (aim, verdict) = match r.aim {
            Aim::AtLeast(a) => (
                format!("≥ {}", number(a)),
                if r.met() { "met" } else { "MISSED" },
            ),
            Aim::AtMost(a) => (
                format!("≤ {}", number(a)),
                if r.met() { "met" } else { "MISSED" },
            ),
            Aim::Exactly(a) => (
                format!("= {}", number(a)),
                if r.met() { "met" } else { "MISSED" },
            ),
            Aim::Info => (String::new(), ""),
        };
        out.push_str(&format!(
            "| {} | {} | {aim} | {verdict} |\n",
            r.name,
            number(r.value)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aims_and_ratios() {
        assert!(Row::new("r", 0.5, Aim::AtLeast(0.5)).met());
        assert!(!Row::new("r", 0.49, Aim::AtLeast(0.5)).met());
        assert!(!Row::new("p99", 251.0, Aim::AtMost(250.0)).met());
        assert!(Row::new("t", 12.0, Aim::Exactly(12.0)).met());
        assert!(!Row::new("t", 13.0, Aim::Exactly(12.0)).met());
        assert!(Row::info("x", 1.0).met());
        assert_eq!(ratio(1980.0, 5400.0), 1980.0 / 5400.0);
        assert_eq!(ratio(1.0, 0.0), 0.0);
    }

    #[test]
    fn the_table_says_met_or_missed() {
        let t = table(&[
            Row::new("p99 (ms)", 300.5, Aim::AtMost(250.0)),
            Row::new("ratio", 0.62, Aim::AtLeast(0.5)),
        ]);
        assert!(t.contains("| p99 (ms) | 300.5 | ≤ 250 | MISSED |"), "{t}");
        assert!(t.contains("| ratio | 0.620 | ≥ 0.500 | met |"), "{t}");
    }
}
