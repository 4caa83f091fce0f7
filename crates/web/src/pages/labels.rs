//! Swedish labels for the engine's state and kind codes. Unknown codes are shown as they are.

/// A process instance's state.
pub(crate) fn instance_state(s: &str) -> String {
    match s {
        "active" => "Pågående",
        "completed" => "Slutförd",
        "terminated" => "Avslutad",
        "canceled" => "Avbruten",
        other => other,
    }
    .to_owned()
}

/// A live token's state.
pub(crate) fn token_state(s: &str) -> String {
    match s {
        "arriving" => "På väg in",
        "waiting" => "Väntar",
        "scope" => "Underprocess pågår",
        "joining" => "Väntar vid sammanslagning",
        "incident" => "Incident",
        other => other,
    }
    .to_owned()
}

/// An activity instance's state (history and activity counts).
pub(crate) fn activity_state(s: &str) -> String {
    match s {
        "active" => "Pågår",
        "completed" => "Slutförd",
        "canceled" => "Avbruten",
        "skipped" => "Hoppades över",
        other => other,
    }
    .to_owned()
}

/// A user task's state.
pub(crate) fn task_state(s: &str) -> String {
    match s {
        "created" => "Öppen",
        "completed" => "Slutförd",
        "canceled" => "Avbruten",
        other => other,
    }
    .to_owned()
}

/// A job's state.
pub(crate) fn job_state(s: &str) -> String {
    match s {
        "ready" => "Redo",
        "active" => "Pågår",
        "failed" => "Misslyckad",
        "completed" => "Slutförd",
        "canceled" => "Avbruten",
        other => other,
    }
    .to_owned()
}

/// A job's kind.
pub(crate) fn job_kind(s: &str) -> String {
    match s {
        "task" => "Tjänsteuppgift",
        "timer" => "Timer",
        other => other,
    }
    .to_owned()
}

/// An incident's state.
pub(crate) fn incident_state(s: &str) -> String {
    match s {
        "open" => "Öppen",
        "resolved" => "Löst",
        other => other,
    }
    .to_owned()
}

/// An incident's kind.
pub(crate) fn incident_kind(s: &str) -> String {
    match s {
        "job_failed" => "Jobbet misslyckades",
        "expression" => "Fel i uttryck",
        "unhandled_error" => "Ohanterat fel",
        "no_flow" => "Inget flöde att ta",
        "loop_guard" => "Möjlig oändlig loop",
        other => other,
    }
    .to_owned()
}

/// A definition's kind.
pub(crate) fn definition_kind(s: &str) -> String {
    match s {
        "bpmn" => "Process (BPMN)",
        "dmn" => "Beslut (DMN)",
        other => other,
    }
    .to_owned()
}
