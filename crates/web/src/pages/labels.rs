//! Labels for the engine's state and kind codes, in the page's language: each is one Fluent
//! message that selects on the code (`locales/*/staff.ftl`). Unknown codes are shown as
//! they are.

use crate::i18n::Tr;

fn label(tr: Tr, id: &str, code: &str) -> String {
    tr.with(id, "code", code)
}

/// A process instance's state.
pub(crate) fn instance_state(tr: Tr, s: &str) -> String {
    label(tr, "staff-instance-state", s)
}

/// A live token's state.
pub(crate) fn token_state(tr: Tr, s: &str) -> String {
    label(tr, "staff-token-state", s)
}

/// An activity instance's state (history and activity counts).
pub(crate) fn activity_state(tr: Tr, s: &str) -> String {
    label(tr, "staff-activity-state", s)
}

/// A user task's state.
pub(crate) fn task_state(tr: Tr, s: &str) -> String {
    label(tr, "staff-task-state", s)
}

/// A job's state.
pub(crate) fn job_state(tr: Tr, s: &str) -> String {
    label(tr, "staff-job-state", s)
}

/// A job's kind.
pub(crate) fn job_kind(tr: Tr, s: &str) -> String {
    label(tr, "staff-job-kind", s)
}

/// An incident's state.
pub(crate) fn incident_state(tr: Tr, s: &str) -> String {
    label(tr, "staff-incident-state", s)
}

/// An incident's kind.
pub(crate) fn incident_kind(tr: Tr, s: &str) -> String {
    label(tr, "staff-incident-kind", s)
}

/// A definition's kind.
pub(crate) fn definition_kind(tr: Tr, s: &str) -> String {
    label(tr, "staff-definition-kind", s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn codes_get_labels_and_unknown_codes_stay_as_they_are() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(instance_state(sv, "active"), "Pågående");
        assert_eq!(instance_state(en, "active"), "Active");
        assert_eq!(token_state(sv, "joining"), "Väntar vid sammanslagning");
        assert_eq!(activity_state(sv, "skipped"), "Hoppades över");
        assert_eq!(task_state(sv, "created"), "Öppen");
        assert_eq!(job_state(sv, "failed"), "Misslyckad");
        assert_eq!(job_kind(sv, "task"), "Tjänsteuppgift");
        assert_eq!(incident_state(sv, "resolved"), "Löst");
        assert_eq!(incident_kind(sv, "loop_guard"), "Möjlig oändlig loop");
        assert_eq!(definition_kind(en, "dmn"), "Decision (DMN)");
        for tr in [sv, en] {
            assert_eq!(job_state(tr, "new_state"), "new_state");
            assert_eq!(incident_kind(tr, "x-y"), "x-y");
        }
    }
}
