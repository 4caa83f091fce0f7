//! Small SQL builders shared by both backends (placeholders are `$N`, which sqlx's SQLite
//! driver binds by number too).

/// `INSERT INTO table (cols) VALUES ($1,…),(…)` for `rows` rows, with an optional suffix
/// such as an `ON CONFLICT` clause.
pub(crate) fn multi_insert(table: &str, columns: &[&str], rows: usize, suffix: &str) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for col in 0..columns.len() {
            if col > 0 {
                sql.push(',');
            }
            n += 1;
            sql.push('$');
            sql.push_str(&n.to_string());
        }
        sql.push(')');
    }
    if !suffix.is_empty() {
        sql.push(' ');
        sql.push_str(suffix);
    }
    sql
}

/// `$1, $2, …, $n` starting after `offset` placeholders, for `IN (…)` lists.
pub(crate) fn placeholders(offset: usize, n: usize) -> String {
    (offset + 1..=offset + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SELECT $o+1 AS a, $o+2 AS b UNION ALL SELECT …` for `rows` rows: a table of bound
/// values to join in `UPDATE … FROM`, portable to both backends (SQLite cannot name the
/// columns of a `VALUES` list).
pub(crate) fn select_rows(columns: &[&str], rows: usize, offset: usize) -> String {
    let mut n = offset;
    (0..rows)
        .map(|row| {
            let cells = columns
                .iter()
                .map(|c| {
                    n += 1;
                    if row == 0 {
                        format!("${n} AS {c}")
                    } else {
                        format!("${n}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("SELECT {cells}")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Rows per multi-row INSERT: keeps every statement under SQLite's parameter limit.
pub(crate) const CHUNK: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_multi_row_inserts() {
        assert_eq!(
            multi_insert("t", &["a", "b"], 2, "ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING"
        );
        assert_eq!(placeholders(2, 3), "$3, $4, $5");
        assert_eq!(
            select_rows(&["a", "b"], 2, 1),
            "SELECT $2 AS a, $3 AS b UNION ALL SELECT $4, $5"
        );
    }
}
