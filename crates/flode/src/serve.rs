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

pub(crate) async fn run(settings: Settings) -> anyhow::Result<()> {
    init_logging(settings.log_json);
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
    let norms = flode_forsorjningsstod::Norms::shipped().context("loading the riksnorm tables")?;
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
            test_people: if settings.environment == crate::settings::Environment::Test {
                crate::citizens::test_people()
            } else {
                Vec::new()
            },
            ..flode_web::WebConfig::default()
        });
    match metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder() {
        Ok(handle) => state = state.with_metrics(handle),
        Err(e) => {
            tracing::warn!(error = %e, "process metrics unavailable; /metrics shows store gauges only")
        }
    }
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
    background.shutdown().await;
    workers.shutdown().await;
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
