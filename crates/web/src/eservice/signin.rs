//! `/e-tjanst`: the start page; `/e-tjanst/logga-in`: the built-in test identity provider
//! (a synthetic person to pick, marked TEST; absent unless the binary enables it, which it
//! never does in production); `/e-tjanst/logga-ut`.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{CitizenLayout, cookie_name, render};
use crate::auth::{clear_session_cookie, cookie, set_session_cookie};
use crate::pages::error::PageError;
use crate::pages::form::{FieldError, NoticeQuery, PageForm, PageQuery};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "eservice/start.html")]
struct StartPage {
    layout: CitizenLayout,
}

/// `GET /e-tjanst`.
pub(crate) async fn start(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    render(
        StatusCode::OK,
        &StartPage {
            layout: CitizenLayout::new(&state, "Ansök om ekonomiskt bistånd", None)
                .notice(q.meddelande.as_deref()),
        },
    )
}

struct PersonChoice {
    index: usize,
    name: String,
    personnummer: String,
    description: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "eservice/signin.html")]
struct SignInPage {
    layout: CitizenLayout,
    people: Vec<PersonChoice>,
    error: Option<String>,
}

fn signin_page(
    state: &AppState,
    status: StatusCode,
    notice: Option<&str>,
    chosen: Option<usize>,
    errors: Vec<FieldError>,
) -> Result<Response, PageError> {
    if state.config.test_people.is_empty() {
        return Err(PageError::NotFound);
    }
    let people = state
        .config
        .test_people
        .iter()
        .enumerate()
        .map(|(index, p)| PersonChoice {
            index,
            name: p.name.clone(),
            personnummer: format!("{}-{}", &p.personnummer[..8], &p.personnummer[8..]),
            description: p.description.clone(),
            checked: chosen == Some(index),
        })
        .collect();
    render(
        status,
        &SignInPage {
            error: errors.first().map(|e| e.message.clone()),
            layout: CitizenLayout::new(state, "Logga in med test-legitimation", None)
                .notice(notice)
                .errors(errors),
            people,
        },
    )
}

/// `GET /e-tjanst/logga-in`.
pub(crate) async fn show(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> Result<Response, PageError> {
    signin_page(
        &state,
        StatusCode::OK,
        q.meddelande.as_deref(),
        None,
        Vec::new(),
    )
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    person: String,
}

/// `POST /e-tjanst/logga-in`: signs in as the chosen test person.
pub(crate) async fn submit(
    State(state): State<AppState>,
    PageForm(form): PageForm<SignInForm>,
) -> Result<Response, PageError> {
    if state.config.test_people.is_empty() {
        return Err(PageError::NotFound);
    }
    let chosen = form
        .person
        .parse::<usize>()
        .ok()
        .and_then(|i| state.config.test_people.get(i));
    let Some(person) = chosen else {
        return signin_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            None,
            vec![FieldError::new(
                "person-0",
                "Välj vilken testperson du vill logga in som",
            )],
        );
    };
    let id = state
        .citizens
        .sign_in_test(person, state.engine.now())
        .await
        .map_err(|e| PageError::Internal(format!("citizen sign-in: {e}")))?;
    let secure = state.config.secure_cookies;
    let mut response = Redirect::to("/mina-sidor").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_session_cookie(cookie_name(secure), id.expose(), secure),
    );
    Ok(response)
}

/// `POST /e-tjanst/logga-ut`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    if let Some(id) = cookie(&headers, cookie_name(secure)) {
        state
            .citizens
            .sign_out(&id, state.engine.now())
            .await
            .map_err(|e| PageError::Internal(format!("citizen sign-out: {e}")))?;
    }
    let mut response = Redirect::to("/e-tjanst?meddelande=utloggad").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        clear_session_cookie(cookie_name(secure), secure),
    );
    Ok(response)
}
