//! The manual-review queue: work items a business exception stopped. A person looks at the
//! item (its message, its evidence, the case) and either registers the work in the legacy
//! system by hand and says so — the case goes on as if the robot had done it — or fixes the
//! cause (unlocks the record, corrects the person's data) and lets a robot try again.
//! Either way the review item, the job and its incident change in one transaction.

use serde_json::{Map, Value};

use flode_engine::Engine;

/// What the person did about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Registered by hand in the legacy system: the job completes.
    DoneByHand,
    /// The cause is fixed: the job goes back to the robots with one try.
    Retry,
}

impl Resolution {
    /// As stored on the review item.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::DoneByHand => "done_by_hand",
            Resolution::Retry => "retry",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// Resolved already (by someone else a moment ago), or never in the queue.
    #[error("work item {0} is not waiting for review")]
    NotOpen(String),
    #[error(transparent)]
    Store(#[from] flode_store::Error),
    #[error(transparent)]
    Engine(#[from] flode_engine::Error),
}

/// Resolves the review item of job `job_id` as `by` did it.
pub async fn resolve(
    engine: &Engine,
    job_id: &str,
    by: &str,
    resolution: Resolution,
) -> Result<(), ReviewError> {
    let mut tx = engine.transaction().await?;
    if !tx
        .resolve_robot_review(job_id, by, resolution.as_str(), engine.now())
        .await?
    {
        return Err(ReviewError::NotOpen(job_id.into()));
    }
    match resolution {
        Resolution::DoneByHand => {
            let mut variables = Map::new();
            variables.insert("registreradManuellt".into(), Value::Bool(true));
            engine
                .complete_failed_job_in(&mut tx, job_id, variables)
                .await?;
        }
        Resolution::Retry => engine.retry_failed_job_in(&mut tx, job_id, 1).await?,
    }
    engine.commit_transaction(tx).await?;
    tracing::info!(job = %job_id, resolution = resolution.as_str(), "robot review item resolved");
    Ok(())
}
