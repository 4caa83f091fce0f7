//! `/robotar`: the software robots' dashboard (queues, throughput, failure causes, robots
//! with their heartbeats, target systems with maintenance mode and pinned script version,
//! work items at risk of their case's deadline), and `/robotar/granskning`: the manual-review
//! queue, where a social worker registers a stopped work item by hand or lets a robot try
//! again. The figures are [`crate::api::robots`]'s, shared with the JSON API and `/metrics`.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use flode_robots::review::{self, Resolution, ReviewError};
use flode_security::Principal;
use serde::Deserialize;

use super::error::PageError;
use super::form::{FieldError, NoticeQuery, PageForm, PageQuery, error_for};
use super::layout::{Layout, Section, render, urlencode};
use crate::api::robots::{Dashboard, ReviewView, dashboard, open_reviews};
use crate::auth::{Access, CASEWORK, SUPERVISOR};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::timefmt;

/// A duration for people: `12 s`, `4 min`, `2 tim 5 min`, `3 d 4 tim`.
fn age(tr: Tr, ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m) = (s / 86_400, s / 3600 % 24, s / 60 % 60);
    if s < 60 {
        tr.count("staff-robots-seconds", s)
    } else if s < 3600 {
        tr.count("staff-robots-minutes", s / 60)
    } else if d == 0 {
        tr.with_args(
            "staff-robots-hours",
            &[("h", h.to_string()), ("m", m.to_string())],
        )
    } else {
        tr.with_args(
            "staff-robots-days",
            &[("d", d.to_string()), ("h", h.to_string())],
        )
    }
}

/// May the person signed in to this request do what `access` allows?
fn may(access: Access) -> bool {
    match (access, crate::auth::viewer()) {
        (Access::Public, _) => true,
        (_, None) => false,
        (Access::SignedIn, Some(_)) => true,
        (Access::AnyOf(roles), Some(p)) => p.roles.any_of(roles),
    }
}

struct QueueRow {
    job_type: String,
    ready: i64,
    in_progress: i64,
    reviews: i64,
    failed: i64,
    oldest: String,
    done_hour: i64,
    done_day: i64,
}

struct CauseRow {
    kind: String,
    step: String,
    message: String,
    count: i64,
}

struct RobotRow {
    id: String,
    node: String,
    pool: String,
    state: String,
    dead: bool,
    target: String,
    job_id: String,
    heartbeat: String,
    utilisation: String,
    sign_ins: String,
}

struct TargetRow {
    name: String,
    /// The name percent-encoded, for the forms' paths.
    path: String,
    /// The pin form's input id.
    field: String,
    seats: String,
    ui: String,
    maintenance: bool,
    pinned: String,
    /// The pin form's value: what was posted, or the pinned version.
    version: String,
    version_error: Option<String>,
}

struct RiskRow {
    case_id: String,
    case_number: String,
    instance_id: String,
    job_type: String,
    state: String,
    waited: String,
    due: String,
    reasons: String,
    late: bool,
}

#[derive(Template)]
#[template(path = "robots.html")]
struct DashboardPage {
    layout: Layout,
    reviews_link: String,
    throughput: String,
    queues: Vec<QueueRow>,
    causes: Vec<CauseRow>,
    robots: Vec<RobotRow>,
    targets: Vec<TargetRow>,
    /// The maintenance and pin forms are shown (SUPERVISOR).
    manage: bool,
    /// Links to the review queue and to cases are shown (CASEWORK).
    casework: bool,
    at_risk: Vec<RiskRow>,
}

/// A pin form that was posted with a bad value: the target, the value and the error.
struct PostedPin {
    target: String,
    value: String,
    error: String,
}

fn dashboard_page(
    tr: Tr,
    d: Dashboard,
    now: i64,
    notice: Option<&str>,
    posted: Option<PostedPin>,
) -> Result<Response, PageError> {
    let queues = d
        .queues
        .iter()
        .map(|q| QueueRow {
            job_type: q.job_type.clone(),
            ready: q.ready,
            in_progress: q.in_progress,
            reviews: q.reviews_open,
            failed: q.failed,
            oldest: q.oldest_waiting_seconds.map_or_else(
                || tr.t("staff-robots-nothing-waiting"),
                |s| age(tr, s * 1000),
            ),
            done_hour: q.done_last_hour,
            done_day: q.done_last_24h,
        })
        .collect();
    let causes = d
        .failure_causes
        .iter()
        .map(|c| CauseRow {
            kind: tr.with("staff-robots-failure-kind", "code", &c.kind),
            step: c.step.clone(),
            message: c.message.clone(),
            count: c.count,
        })
        .collect();
    let robots = d
        .robots
        .iter()
        .map(|r| RobotRow {
            id: r.id.clone(),
            node: r.node.clone(),
            pool: r.pool.clone(),
            // A reaped robot's state says no more than the tag.
            state: if r.state == "dead" {
                String::new()
            } else {
                tr.with("staff-robots-state", "code", &r.state)
            },
            dead: r.dead,
            target: r.target.clone().unwrap_or_default(),
            job_id: r.job_id.clone().unwrap_or_default(),
            heartbeat: tr.with("staff-robots-ago", "age", age(tr, now - r.heartbeat_at_ms)),
            utilisation: format!("{} %", (r.utilisation * 100.0).round()),
            sign_ins: if r.relogins_last_hour > 0 {
                tr.with_args(
                    "staff-robots-sign-ins-with-relogins",
                    &[
                        ("count", r.sign_ins_last_hour.to_string()),
                        ("relogins", r.relogins_last_hour.to_string()),
                    ],
                )
            } else {
                r.sign_ins_last_hour.to_string()
            },
        })
        .collect();
    let mut errors = Vec::new();
    let targets = d
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let field = format!("skriptversion-{}", i + 1);
            let mine = posted.as_ref().filter(|p| p.target == t.name);
            if let Some(p) = mine {
                errors.push(FieldError::new(field.clone(), p.error.clone()));
            }
            TargetRow {
                name: t.name.clone(),
                path: urlencode(&t.name),
                seats: tr.with_args(
                    "staff-robots-seats-value",
                    &[
                        ("used", t.seats_in_use.to_string()),
                        ("seats", t.seats.to_string()),
                    ],
                ),
                ui: t.ui.clone(),
                maintenance: t.maintenance,
                pinned: t
                    .script_version
                    .map_or_else(|| tr.t("staff-robots-not-pinned"), |v| v.to_string()),
                version: mine.map_or_else(
                    || t.script_version.map(|v| v.to_string()).unwrap_or_default(),
                    |p| p.value.clone(),
                ),
                version_error: error_for(&errors, &field),
                field,
            }
        })
        .collect();
    let at_risk = d
        .at_risk
        .iter()
        .map(|a| {
            let late = a.case_due_at_ms.is_some_and(|due| due < now);
            let reasons: Vec<String> = a
                .reasons
                .iter()
                .map(|r| {
                    tr.t(match *r {
                        "deadline" if late => "staff-robots-risk-overdue",
                        "deadline" => "staff-robots-risk-deadline",
                        _ => "staff-robots-risk-waiting",
                    })
                })
                .collect();
            RiskRow {
                case_id: a.case_id.clone().unwrap_or_default(),
                case_number: a.case_number.clone().unwrap_or_default(),
                instance_id: a.instance_id.clone().unwrap_or_default(),
                job_type: a.job_type.clone(),
                state: tr.with("staff-job-state", "code", &a.state),
                waited: age(tr, a.waiting_ms),
                due: a.case_due_at_ms.map(timefmt::date).unwrap_or_default(),
                reasons: reasons.join("; "),
                late,
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut layout = Layout::new(tr.t("staff-robots-title"), Section::Robots).notice(notice);
    if !errors.is_empty() {
        // Shown after the pin form's post: the language link goes to the page.
        layout = layout.back_to("/robotar");
    }
    render(
        status,
        &DashboardPage {
            layout: layout.errors(errors),
            reviews_link: tr.count("staff-robots-to-reviews", d.reviews_open),
            throughput: tr.with_args(
                "staff-robots-throughput",
                &[
                    ("hour", d.done_last_hour.to_string()),
                    ("day", d.done_last_24h.to_string()),
                ],
            ),
            queues,
            causes,
            robots,
            targets,
            manage: may(SUPERVISOR),
            casework: may(CASEWORK),
            at_risk,
        },
    )
}

/// `GET /robotar`.
pub(crate) async fn show(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    let now = state.engine.now();
    let d = dashboard(state.engine.store(), now).await?;
    dashboard_page(crate::i18n::tr(), d, now, q.meddelande.as_deref(), None)
}

/// The maintenance form: `pa` or `av`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MaintenanceForm {
    #[serde(default)]
    underhall: String,
}

/// `POST /robotar/malsystem/{name}/underhall`.
pub(crate) async fn maintenance(
    State(state): State<AppState>,
    Path(name): Path<String>,
    PageForm(form): PageForm<MaintenanceForm>,
) -> Result<Response, PageError> {
    let on = match form.underhall.as_str() {
        "pa" => true,
        "av" => false,
        other => {
            return Err(PageError::BadRequest(format!(
                "underhall must be pa or av, not {other:?}"
            )));
        }
    };
    if !state
        .engine
        .store()
        .set_robot_target_maintenance(&name, on, state.engine.now())
        .await?
    {
        return Err(PageError::NotFound);
    }
    tracing::info!(target_system = %name, on, "robot target maintenance set");
    let flag = if on { "underhall-pa" } else { "underhall-av" };
    Ok(Redirect::to(&format!("/robotar?meddelande={flag}#malsystem")).into_response())
}

/// The pin form: a positive integer, or empty for any version.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PinForm {
    #[serde(default)]
    version: String,
}

/// A script version as typed: empty is none; otherwise digits only, above zero.
fn parse_version(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    match text.parse::<i64>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(()),
    }
}

/// `POST /robotar/malsystem/{name}/skriptversion`.
pub(crate) async fn pin(
    State(state): State<AppState>,
    Path(name): Path<String>,
    PageForm(form): PageForm<PinForm>,
) -> Result<Response, PageError> {
    let store = state.engine.store();
    if store.robot_target(&name).await?.is_none() {
        return Err(PageError::NotFound);
    }
    let tr = crate::i18n::tr();
    let now = state.engine.now();
    let Ok(version) = parse_version(&form.version) else {
        let d = dashboard(store, now).await?;
        let posted = PostedPin {
            target: name,
            value: form.version,
            error: tr.t("staff-robots-pin-invalid"),
        };
        return dashboard_page(tr, d, now, None, Some(posted));
    };
    if !store
        .set_robot_target_script_version(&name, version, now)
        .await?
    {
        return Err(PageError::NotFound);
    }
    tracing::info!(target_system = %name, ?version, "robot target script version set");
    let flag = if version.is_some() {
        "skriptversion-last"
    } else {
        "skriptversion-fri"
    };
    Ok(Redirect::to(&format!("/robotar?meddelande={flag}#malsystem")).into_response())
}

struct EvidenceRow {
    href: String,
    alt: String,
    caption: String,
}

struct ReviewRow {
    job_id: String,
    /// The heading: the case number, or the instance id.
    title: String,
    case_id: String,
    case_number: String,
    instance_id: String,
    job_type: String,
    target: String,
    step: String,
    message: String,
    waited: String,
    evidence: Vec<EvidenceRow>,
}

#[derive(Template)]
#[template(path = "robot_reviews.html")]
struct ReviewsPage {
    layout: Layout,
    count: String,
    /// Someone else resolved the item first.
    warning: Option<String>,
    items: Vec<ReviewRow>,
}

fn review_row(tr: Tr, r: ReviewView, now: i64) -> ReviewRow {
    let title = match (&r.case_number, &r.instance_id) {
        (Some(n), _) => n.clone(),
        (None, Some(i)) => tr.with("staff-reviews-instance-title", "id", i),
        (None, None) => r.job_id.clone(),
    };
    let evidence = r
        .evidence
        .iter()
        .map(|e| EvidenceRow {
            href: e.href.clone(),
            alt: tr.with_args(
                "staff-reviews-screenshot-alt",
                &[("target", r.target.clone()), ("name", e.name.clone())],
            ),
            caption: tr.with_args(
                "staff-reviews-screenshot-caption",
                &[
                    ("name", e.name.clone()),
                    ("at", timefmt::display(e.created_at_ms)),
                ],
            ),
        })
        .collect();
    ReviewRow {
        waited: tr.with_args(
            "staff-reviews-waited-value",
            &[
                ("age", age(tr, now - r.created_at_ms)),
                ("at", timefmt::display(r.created_at_ms)),
            ],
        ),
        title,
        job_id: r.job_id,
        case_id: r.case_id.unwrap_or_default(),
        case_number: r.case_number.unwrap_or_default(),
        instance_id: r.instance_id.unwrap_or_default(),
        job_type: r.job_type,
        target: r.target,
        step: r.step,
        message: r.message,
        evidence,
    }
}

async fn reviews_page(
    state: &AppState,
    notice: Option<&str>,
    warning: Option<String>,
) -> Result<Response, PageError> {
    let tr = crate::i18n::tr();
    let now = state.engine.now();
    let items: Vec<ReviewRow> = open_reviews(state.engine.store(), now)
        .await?
        .into_iter()
        .map(|r| review_row(tr, r, now))
        .collect();
    let status = if warning.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let mut layout = Layout::new(tr.t("staff-reviews-title"), Section::Robots).notice(notice);
    if warning.is_some() {
        layout = layout.back_to("/robotar/granskning");
    }
    render(
        status,
        &ReviewsPage {
            layout,
            count: tr.count(
                "staff-reviews-count",
                i64::try_from(items.len()).unwrap_or(i64::MAX),
            ),
            warning,
            items,
        },
    )
}

/// `GET /robotar/granskning`.
pub(crate) async fn reviews(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    reviews_page(&state, q.meddelande.as_deref(), None).await
}

async fn resolve(
    state: &AppState,
    who: &Principal,
    job_id: &str,
    resolution: Resolution,
) -> Result<Response, PageError> {
    match review::resolve(&state.engine, job_id, &who.name, resolution).await {
        Ok(()) => {
            let flag = match resolution {
                Resolution::DoneByHand => "registrerad-for-hand",
                Resolution::Retry => "forsok-igen",
            };
            Ok(Redirect::to(&format!("/robotar/granskning?meddelande={flag}")).into_response())
        }
        Err(ReviewError::NotOpen(_)) => {
            let tr = crate::i18n::tr();
            let Some(r) = state.engine.store().robot_review(job_id).await? else {
                return Err(PageError::NotFound);
            };
            let warning = tr.with_args(
                "staff-reviews-already-resolved",
                &[
                    ("by", r.resolved_by.unwrap_or_default()),
                    (
                        "how",
                        tr.with(
                            "staff-reviews-resolution",
                            "code",
                            r.resolution.unwrap_or_default(),
                        ),
                    ),
                    ("at", timefmt::display_opt(r.resolved_at)),
                ],
            );
            reviews_page(state, None, Some(warning)).await
        }
        Err(ReviewError::Store(e)) => Err(e.into()),
        Err(ReviewError::Engine(e)) => Err(e.into()),
    }
}

/// `POST /robotar/granskning/{job_id}/for-hand`: registered by hand; the case goes on.
pub(crate) async fn done_by_hand(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(job_id): Path<String>,
) -> Result<Response, PageError> {
    resolve(&state, &who, &job_id, Resolution::DoneByHand).await
}

/// `POST /robotar/granskning/{job_id}/forsok-igen`: the cause is fixed; a robot tries again.
pub(crate) async fn retry(
    State(state): State<AppState>,
    Extension(who): Extension<Principal>,
    Path(job_id): Path<String>,
) -> Result<Response, PageError> {
    resolve(&state, &who, &job_id, Resolution::Retry).await
}

/// `GET /robotar/bevis/{id}.png`: a kept screenshot (masked before it was stored), never
/// cached.
pub(crate) async fn evidence(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let Some(id) = file.strip_suffix(".png") else {
        return Err(PageError::NotFound);
    };
    let Some((png, _)) = state.engine.store().robot_evidence_content(id).await? else {
        return Err(PageError::NotFound);
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        png,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn ages_and_versions() {
        let sv = Tr::new(Lang::Sv);
        assert_eq!(age(sv, 12_400), "12 s");
        assert_eq!(age(sv, 4 * 60_000 + 5_000), "4 min");
        assert_eq!(age(sv, 2 * 3_600_000 + 5 * 60_000), "2 tim 5 min");
        assert_eq!(age(sv, 3 * 86_400_000 + 4 * 3_600_000), "3 d 4 tim");
        let en = Tr::new(Lang::En);
        assert_eq!(age(en, 2 * 3_600_000 + 5 * 60_000), "2 h 5 min");
        assert_eq!(parse_version(" "), Ok(None));
        assert_eq!(parse_version("3"), Ok(Some(3)));
        for bad in ["0", "-1", "+3", "3.0", "tre", "99999999999999999999"] {
            assert_eq!(parse_version(bad), Err(()), "{bad}");
        }
    }
}
