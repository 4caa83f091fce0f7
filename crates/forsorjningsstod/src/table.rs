//! The calculation as a readable Swedish table (what `flode calc forsorjningsstod` prints
//! without `--json`).

use std::fmt;

use crate::calculation::{Calculation, Outcome, Row, Section, kr};
use crate::norms::Provenance;

/// One printed line: text, the amount applied for, the amount.
type Line = (String, Option<i64>, Option<i64>);

impl fmt::Display for Calculation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines: Vec<Line> = Vec::new();
        let sections = [
            (Section::Norm, "Riksnorm"),
            (Section::Cost, "Kostnader utanför normen"),
            (Section::Income, "Inkomster"),
        ];
        for (section, heading) in sections {
            let rows: Vec<&Row> = self.rows.iter().filter(|r| r.section == section).collect();
            if rows.is_empty() {
                continue;
            }
            lines.push((heading.to_owned(), None, None));
            for row in rows {
                let who = row
                    .member
                    .as_deref()
                    .map(|m| format!("{m}: "))
                    .unwrap_or_default();
                let unconfirmed = match row.provenance {
                    Some(p) if p != Provenance::Confirmed => " [ej bekräftat belopp]",
                    _ => "",
                };
                lines.push((
                    format!("  {who}{}{unconfirmed}", row.reason),
                    row.applied,
                    Some(row.amount),
                ));
            }
        }
        lines.push((String::new(), None, None));
        lines.push(("Summa".to_owned(), None, None));
        let (result_label, result) = match self.outcome {
            Outcome::Deficit => ("Underskott", self.result),
            Outcome::Surplus => ("Överskott", -self.result),
        };
        for (label, amount) in [
            ("Riksnorm", self.norm_total),
            ("Kostnader utanför normen (godkända)", self.costs_total),
            ("Behov", self.need),
            ("Inkomster som räknas", self.income),
            (result_label, result),
            ("Försörjningsstöd enligt beräkningen", self.support),
        ] {
            lines.push((format!("  {label}"), None, Some(amount)));
        }

        // Amounts first, so that long reasons need no padding.
        writeln!(
            f,
            "Försörjningsstöd för {} ({})",
            self.month, self.norm.name
        )?;
        writeln!(f)?;
        writeln!(f, "{:>10}  {:>10}", "sökt kr", "belopp kr")?;
        for (text, applied, amount) in &lines {
            let line = match (applied, amount) {
                (None, None) => text.clone(),
                _ => format!(
                    "{:>10}  {:>10}  {}",
                    applied.map(kr).unwrap_or_default(),
                    amount.map(kr).unwrap_or_default(),
                    text.trim_start()
                ),
            };
            writeln!(f, "{line}")?;
        }
        writeln!(f)?;
        write!(f, "{}", self.reason)
    }
}
