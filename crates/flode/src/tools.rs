//! Commands that work on files without a server: validate, run, evaluate, calculate, migrate.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::{Map, Value};

use crate::settings::Settings;

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn json_object(what: &str, text: &str) -> anyhow::Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text)
        .with_context(|| format!("{what} is not valid JSON"))?
    {
        Value::Object(m) => Ok(m),
        _ => anyhow::bail!("{what} must be a JSON object"),
    }
}

pub(crate) async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let store =
        flode_store::Store::connect(&flode_store::StoreOptions::new(&settings.database)).await?;
    store.migrate().await?;
    println!(
        "database schema is up to date ({})",
        flode_store::redact(&settings.database)
    );
    Ok(())
}

pub(crate) fn validate(file: &Path) -> anyhow::Result<ExitCode> {
    let xml = read(file)?;
    let problems: Vec<String> = match flode_bpmn::parse(&xml) {
        Ok(defs) => defs
            .processes
            .into_iter()
            .flat_map(|p| {
                let id = p.id.clone();
                match flode_engine::compiled::CompiledProcess::compile(String::new(), p) {
                    Ok(_) => {
                        println!("process {id}: ok");
                        Vec::new()
                    }
                    Err(ps) => ps
                        .into_iter()
                        .map(|p| format!("{:?}: {}", p.element_id, p.message))
                        .collect(),
                }
            })
            .collect(),
        Err(flode_bpmn::Error::Invalid(ps)) => ps.iter().map(ToString::to_string).collect(),
        Err(e) => vec![e.to_string()],
    };
    if problems.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for p in &problems {
            eprintln!("{}: {p}", file.display());
        }
        Ok(ExitCode::FAILURE)
    }
}

pub(crate) async fn run(
    file: &Path,
    vars: &str,
    mut options: flode_engine::headless::HeadlessOptions,
    with: &[std::path::PathBuf],
) -> anyhow::Result<ExitCode> {
    let xml = read(file)?;
    let variables = json_object("--vars", vars)?;
    for extra in with {
        options
            .extra
            .push((extra.display().to_string(), read(extra)?));
    }
    let result = flode_engine::headless::run(&xml, variables, &options).await?;
    println!("{}", serde_json::to_string(&result)?);
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn eval(file: &Path, decision: &str, input: &str) -> anyhow::Result<ExitCode> {
    let xml = read(file)?;
    let input = json_object("--input", input)?;
    let model = flode_decision::DecisionModel::parse(&xml)?;
    let result = model.evaluate(decision, &input)?;
    println!(
        "{}",
        serde_json::json!({ "decision": decision, "result": result })
    );
    Ok(ExitCode::SUCCESS)
}

/// `calc forsorjningsstod`: messages about the household are in Swedish, for case workers.
pub(crate) fn forsorjningsstod(
    input: &Path,
    json: bool,
    norms_dir: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    use flode_forsorjningsstod::{Error, Household, Norms, calculate};

    let from_stdin = input == Path::new("-");
    let shown = if from_stdin {
        "<stdin>".to_owned()
    } else {
        input.display().to_string()
    };
    let text = if from_stdin {
        std::io::read_to_string(std::io::stdin()).context("cannot read standard input")?
    } else {
        read(input)?
    };
    // A broken norm file is the operator's problem, not the household's: fail as other
    // commands do.
    let norms = match norms_dir {
        Some(dir) => Norms::shipped_and_dir(dir)?,
        None => Norms::shipped()?,
    };
    match Household::from_json(&text).and_then(|household| calculate(&norms, &household)) {
        Ok(calculation) if json => println!("{}", serde_json::to_string(&calculation)?),
        Ok(calculation) => println!("{calculation}"),
        Err(Error::Invalid { problems }) => {
            eprintln!("{shown}: indata går inte att beräkna:");
            for problem in &problems {
                eprintln!("  - {problem}");
            }
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => {
            eprintln!("{shown}: {e}");
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}
