//! `flode serve`: store, engine, background loops and the web server in one process, with
//! graceful shutdown (stop claiming, let in-flight requests finish, release leases).

use std::sync::Arc;

use anyhow::Context;
use flode_engine::{Engine, EngineOptions, SystemClock, service};
use flode_store::{Store, StoreOptions};
use tracing_subscriber::EnvFilter;

use crate::settings::Settings;

const DEMO: &str = include_str!("../demo/demo-ansokan.bpmn");

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_env("FLODE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // A second init (tests) is harmless; ignore its error.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// A client of a configured provider; its discovery is fetched in the background, so that
/// a wrong issuer shows in the log at start rather than at the first sign-in.
fn oidc_client(
    config: flode_security::OidcConfig,
    who: &'static str,
) -> anyhow::Result<flode_security::OidcClient> {
    let client =
        flode_security::OidcClient::new(config).with_context(|| format!("{who}_oidc settings"))?;
    let probe = client.clone();
    tokio::spawn(async move {
        match probe.discover().await {
            Ok(()) => tracing::info!(issuer = probe.issuer(), "{who} OIDC provider found"),
            Err(e) => {
                tracing::warn!(issuer = probe.issuer(), error = %e, "{who} OIDC provider not usable yet")
            }
        }
    });
    Ok(client)
}

pub(crate) async fn run(settings: Settings) -> anyhow::Result<()> {
    init_logging(settings.log_json);
    let production = settings.environment == crate::settings::Environment::Production;
    let citizen_oidc = settings.citizen_oidc()?;
    let staff_oidc = settings.staff_oidc()?;
    if production && citizen_oidc.is_none() {
        anyhow::bail!(
            "environment = \"production\" needs citizen_oidc_issuer, citizen_oidc_client_id and citizen_oidc_client_secret: the test identity provider is off in production, so citizens could not sign in to the e-service"
        );
    }
    let mut options = StoreOptions::new(&settings.database);
    options.max_connections = settings.max_connections;
    let store = Store::connect(&options).await?;
    store.migrate().await?;
    let engine = Engine::new(
        store.clone(),
        Arc::new(SystemClock),
        EngineOptions {
            node_name: settings.node_name.clone(),
            ..EngineOptions::default()
        },
    )
    .await?;
    crate::processes::deploy(&engine).await?;
    if settings.demo {
        let deployed = engine
            .deploy("demo-ansokan.bpmn", DEMO)
            .await
            .context("deploying the demo process")?;
        for d in deployed {
            tracing::info!(key = %d.key, version = d.version, "demo process deployed");
        }
    }
    let background = service::spawn(engine.clone(), service::ServiceOptions::default());
    let mut workers = flode_engine::worker::Workers::default();
    let norms = crate::workers::norms(&settings, engine.now())?;
    workers.start(&engine, crate::workers::Calculation::new(norms));
    workers.start(&engine, crate::workers::ssbtek(&settings, &store).await?);
    workers.start(
        &engine,
        crate::workers::DecisionLetterWorker::new(engine.clone(), settings.authority()),
    );
    workers.start(
        &engine,
        crate::workers::NotifyCitizenWorker::new(engine.clone()),
    );
    workers.start(&engine, crate::workers::NotifyStaffWorker);
    let robots = crate::legacy::start(&settings, &engine).await?;
    // Other nodes' new jobs wake workers here; their deployments refresh the caches.
    let wakeups = engine.listen_to_other_nodes().await?;
    let auth_options = crate::accounts::auth_options(&settings);
    if settings.demo {
        let auth = flode_security::Auth::new(store.clone(), auth_options);
        for user in auth.seed_demo_users(engine.now()).await? {
            tracing::warn!(
                user,
                "demo account created with its public password (README); set demo = false in production"
            );
        }
        let casework = flode_casework::Casework::new(
            engine.clone(),
            flode_casework::CaseworkOptions::default(),
        );
        crate::demo::seed_cases(&casework)
            .await
            .context("seeding the demo cases")?;
    }
    let mut state = flode_web::AppState::new(engine.clone())
        .with_auth_options(auth_options)
        .with_config(flode_web::WebConfig {
            secure_cookies: settings.secure_cookies,
            // The test identity provider: never in production (real OIDC there).
            test_people: if production {
                Vec::new()
            } else {
                crate::citizens::test_people()
            },
            citizen_personnummer_claim: settings.citizen_oidc_personnummer_claim.clone(),
            staff_username_claim: settings.staff_oidc_username_claim.clone(),
            ..flode_web::WebConfig::default()
        });
    if let Some(config) = citizen_oidc {
        state = state.with_citizen_oidc(oidc_client(config, "citizen")?);
    }
    if let Some(config) = staff_oidc {
        state = state.with_staff_oidc(oidc_client(config, "staff")?);
    }
    match metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder() {
        Ok(handle) => state = state.with_metrics(handle),
        Err(e) => {
            tracing::warn!(error = %e, "process metrics unavailable; /metrics shows store gauges only")
        }
    }
    let sweeper = tokio::spawn(delete_ended_sessions(
        state.auth.clone(),
        state.citizens.clone(),
        engine.clone(),
    ));
    let app = flode_web::router(state);
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    tracing::info!(
        address = %listener.local_addr()?,
        database = %flode_store::redact(&settings.database),
        "flode is serving: open http://{}/",
        listener.local_addr()?
    );
    // The peer address feeds the sign-in limiter and the audit log.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("shutting down: stopping background work");
    sweeper.abort();
    background.shutdown().await;
    workers.shutdown().await;
    if let Some(robots) = robots {
        robots.shutdown().await;
    }
    if let Some(w) = wakeups {
        w.abort();
    }
    let released = store
        .release_leases_of(&settings.node_name, engine.now())
        .await?;
    if released > 0 {
        tracing::info!(jobs = released, "released leases held by this node");
    }
    store.close().await;
    Ok(())
}

/// How often ended sessions are deleted.
const SESSION_SWEEP: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Deletes ended staff and citizen sessions now and then: they are of no use, and a
/// citizen's holds a personnummer. Every node may do it; a delete is idempotent.
async fn delete_ended_sessions(
    auth: flode_security::Auth,
    citizens: flode_security::CitizenAuth,
    engine: Engine,
) {
    let mut every = tokio::time::interval(SESSION_SWEEP);
    loop {
        every.tick().await;
        let now = engine.now();
        match (
            auth.delete_ended_sessions(now).await,
            citizens.delete_ended_sessions(now).await,
        ) {
            (Ok(staff), Ok(citizen)) => {
                tracing::debug!(staff, citizen, "ended sessions deleted")
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "deleting ended sessions failed; trying again later")
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
