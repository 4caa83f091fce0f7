//! The SSBTEK connector: sends `hamtaBastjanstInformation`, normalises the answer, retries
//! what may succeed on a second try, and logs every call in the store's SSBTEK request
//! log (who, which case, purpose, lagtext, sources, when, outcome). No answer is handed
//! out unless its log row was written: the log is the legally required record.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flode_store::{SsbtekRequestRecord, Store};

use crate::model::*;
use crate::soap::{self, Fault, FaultCode, Response};

/// Connector settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The SOAP endpoint, e.g. `http://127.0.0.1:8088/ssbtek/v10`.
    pub endpoint: String,
    /// The kommun's organisationsnummer, 12 digits with the `16` prefix.
    pub organisationsnummer: String,
    /// The kommun's name.
    pub namn: String,
    /// Per HTTP attempt.
    pub timeout: Duration,
    /// Extra attempts after a transient failure.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Sent as `x-ssbtek-scenario` (simulator tests only).
    pub scenario: Option<String>,
}

impl ClientConfig {
    /// Defaults for an endpoint and an ingivare.
    pub fn new(endpoint: impl Into<String>, organisationsnummer: &str, namn: &str) -> Self {
        Self {
            endpoint: endpoint.into(),
            organisationsnummer: organisationsnummer.to_owned(),
            namn: namn.to_owned(),
            timeout: Duration::from_secs(30),
            retries: 2,
            backoff: Duration::from_millis(500),
            scenario: None,
        }
    }
}

/// What can go wrong asking SSBTEK.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No HTTP answer (connection refused, timeout, …).
    #[error("SSBTEK could not be reached: {0}")]
    Transport(#[source] reqwest::Error),
    /// An HTTP error status without a SOAP fault (e.g. 503).
    #[error("SSBTEK answered HTTP {0}")]
    Unavailable(u16),
    /// A SOAP fault. `Client` faults mean the question itself was refused.
    #[error("SSBTEK fault {code:?} {felkod}: {message}")]
    Fault {
        /// Client or Server.
        code: FaultCode,
        /// The `felkod` of the detail.
        felkod: String,
        /// The `faultstring`.
        message: String,
    },
    /// The answer could not be read.
    #[error(transparent)]
    Malformed(#[from] soap::Malformed),
    /// The answer belongs to another question.
    #[error("SSBTEK answered with another korrelationsid")]
    KorrelationsidMismatch,
    /// The request log could not be written, so the answer is withheld.
    #[error("the SSBTEK request log could not be written: {0}")]
    Log(#[source] flode_store::Error),
}

impl Error {
    /// Worth another attempt right away (transport, 5xx, Server fault, unreadable XML).
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            Error::Transport(_) | Error::Unavailable(_) | Error::Malformed(_)
        ) || matches!(
            self,
            Error::Fault {
                code: FaultCode::Server,
                ..
            }
        )
    }

    /// Refused for good: asking again with the same question cannot succeed.
    pub fn refused(&self) -> bool {
        matches!(
            self,
            Error::Fault {
                code: FaultCode::Client,
                ..
            }
        )
    }
}

/// The connector; cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    store: Store,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Client {
    /// A connector that logs into `store` (migrated).
    pub fn new(config: ClientConfig, store: Store) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(Error::Transport)?;
        Ok(Self {
            http,
            config,
            store,
        })
    }

    /// The ingivare for a handläggare (or a `system:` account).
    pub fn ingivare(&self, handlaggare: &str) -> Ingivare {
        Ingivare {
            organisationsnummer: self.config.organisationsnummer.clone(),
            namn: self.config.namn.clone(),
            handlaggare: handlaggare.to_owned(),
        }
    }

    /// Asks SSBTEK and logs the call. Retries transient failures with backoff.
    pub async fn fetch(&self, fraga: &Fraga) -> Result<Svar, Error> {
        let requested_at = now_ms();
        let body = soap::encode_fraga(fraga);
        let mut attempts = 0;
        let result = loop {
            attempts += 1;
            let r = self.attempt(&body, fraga).await;
            match r {
                Err(e) if e.retryable() && attempts <= self.config.retries => {
                    tracing::warn!(
                        arende = %fraga.arendeidentitet,
                        korrelationsid = %fraga.korrelationsid,
                        attempt = attempts,
                        error = %e,
                        "SSBTEK call failed; retrying"
                    );
                    let factor = 1u32 << (attempts - 1).min(10);
                    tokio::time::sleep(self.config.backoff * factor).await;
                }
                r => break r,
            }
        };
        let (outcome, error) = match &result {
            Ok(svar) if svar.failed_sources().is_empty() => ("ok", None),
            Ok(svar) => (
                "partial",
                Some(format!(
                    "källor med fel: {}",
                    svar.failed_sources()
                        .iter()
                        .map(|s| s.element())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            Err(e) => ("error", Some(e.to_string())),
        };
        tracing::info!(
            arende = %fraga.arendeidentitet,
            korrelationsid = %fraga.korrelationsid,
            sources = ?fraga.sources,
            outcome,
            attempts,
            "SSBTEK call"
        );
        self.store
            .insert_ssbtek_request(&SsbtekRequestRecord {
                id: uuid::Uuid::now_v7().to_string(),
                requested_at,
                finished_at: now_ms(),
                actor: fraga.ingivare.handlaggare.clone(),
                arende_id: fraga.arendeidentitet.clone(),
                person: fraga.personidentitet.as_str().to_owned(),
                syfte: fraga.syfte.clone(),
                lagtext: fraga.lagtext.clone(),
                sources: fraga
                    .sources
                    .iter()
                    .map(|s| s.element().to_owned())
                    .collect(),
                korrelationsid: fraga.korrelationsid.clone(),
                outcome: outcome.to_owned(),
                error,
                attempts: i64::from(attempts),
            })
            .await
            .map_err(Error::Log)?;
        result
    }

    async fn attempt(&self, body: &str, fraga: &Fraga) -> Result<Svar, Error> {
        let mut req = self
            .http
            .post(&self.config.endpoint)
            .header("content-type", "text/xml; charset=utf-8")
            .header("soapaction", "\"hamtaBastjanstInformation\"")
            .body(body.to_owned());
        if let Some(s) = &self.config.scenario {
            req = req.header(crate::simulator::SCENARIO_HEADER, s);
        }
        let resp = req.send().await.map_err(Error::Transport)?;
        let status = resp.status();
        let text = resp.text().await.map_err(Error::Transport)?;
        if !status.is_success() && status.as_u16() != 500 {
            return Err(Error::Unavailable(status.as_u16()));
        }
        let decoded = match soap::decode_response(&text) {
            Ok(d) => d,
            // A 500 that is not a SOAP fault is a server failure, not bad XML from SSBTEK.
            Err(_) if status.as_u16() == 500 => return Err(Error::Unavailable(500)),
            Err(e) => return Err(e.into()),
        };
        let mut svar = match decoded {
            Response::Fault(Fault {
                code,
                message,
                felkod,
            }) => {
                return Err(Error::Fault {
                    code,
                    felkod,
                    message,
                });
            }
            Response::Svar(svar) => *svar,
        };
        if svar.korrelationsid.as_deref() != Some(fraga.korrelationsid.as_str()) {
            return Err(Error::KorrelationsidMismatch);
        }
        // An utlämnare not OK means FK's data is incomplete: treat it as an error.
        if let Outcome::Data(fk) = &svar.fk
            && !fk.tillstand_ok
        {
            svar.fk = Outcome::Error(SourceError {
                kalla: "BT".into(),
                felkod: "TILLSTAND".into(),
                felmeddelande:
                    "Försäkringskassan eller Pensionsmyndigheten kunde inte lämna uppgifter".into(),
            });
        }
        Ok(svar)
    }

    /// `testaBastjanstInformation`: the sources that answered the connectivity test.
    pub async fn test_connection(&self) -> Result<Vec<Source>, Error> {
        let resp = self
            .http
            .post(&self.config.endpoint)
            .header("content-type", "text/xml; charset=utf-8")
            .header("soapaction", "\"testaBastjanstInformation\"")
            .body(soap::encode_test())
            .send()
            .await
            .map_err(Error::Transport)?;
        let status = resp.status().as_u16();
        let text = resp.text().await.map_err(Error::Transport)?;
        match soap::decode_test_response(&text) {
            Ok(Ok(sources)) => Ok(sources),
            Ok(Err(f)) => Err(Error::Fault {
                code: f.code,
                felkod: f.felkod,
                message: f.message,
            }),
            Err(_) if status != 200 => Err(Error::Unavailable(status)),
            Err(e) => Err(e.into()),
        }
    }
}
