//! `--link` and `--link-secret-file`: open the store and read the secret.

use chrono::NaiveDate;
use layer_risk::batch::Linker;
use layer_risk::link::{LinkSecret, LinkStore, MemoryStore, Retention};

use crate::args::LinkArgs;
use crate::error::CliError;

/// An open store and the secret: what `Linker` borrows.
pub(crate) struct Link {
    store: Box<dyn LinkStore>,
    secret: LinkSecret,
    default_time: i64,
}

impl Link {
    /// The linker of a run.
    pub(crate) fn linker(&mut self) -> Linker<'_> {
        Linker {
            store: self.store.as_mut(),
            secret: &self.secret,
            default_time: self.default_time,
        }
    }
}

/// The store and secret of `--link` and `--link-secret-file`, or `None` without `--link`.
/// A line without `observed_at` is taken as observed at `as_of`, 00:00 UTC.
pub(crate) fn open(a: &LinkArgs, as_of: NaiveDate) -> Result<Option<Link>, CliError> {
    let (spec, secret_file) = match (&a.link, &a.link_secret_file) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            return Err(CliError::Usage(
                "--link needs --link-secret-file FILE (at least 32 random bytes)".into(),
            ))
        }
        (None, Some(_)) => {
            return Err(CliError::Usage(
                "--link-secret-file is only used with --link memory|sqlite:PATH|postgres:URL"
                    .into(),
            ))
        }
        (Some(s), Some(f)) => (s, f),
    };
    // The secret first: a missing secret is the error to see, whatever the store.
    let secret = LinkSecret::from_file(secret_file).map_err(|e| CliError::Input(e.to_string()))?;
    let store: Box<dyn LinkStore> = if spec == "memory" {
        Box::new(MemoryStore::new(Retention::default()))
    } else if let Some(path) = spec.strip_prefix("sqlite:") {
        let s = layer_risk::link::SqliteStore::open(path, Retention::default())
            .map_err(|e| CliError::Input(format!("--link {spec}: {e}")))?;
        Box::new(s)
    } else if let Some(url) = spec.strip_prefix("postgres:") {
        postgres(url)?
    } else {
        return Err(CliError::Usage(format!(
            "--link {spec}: expected memory, sqlite:PATH or postgres:URL"
        )));
    };
    let default_time = as_of
        .and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp());
    Ok(Some(Link {
        store,
        secret,
        default_time,
    }))
}

#[cfg(feature = "link-postgres")]
fn postgres(url: &str) -> Result<Box<dyn LinkStore>, CliError> {
    // The URL may hold a password: errors name the store kind, not the URL.
    let s = layer_risk::link::PostgresStore::connect(url, Retention::default())
        .map_err(|e| CliError::Input(format!("--link postgres: {e}")))?;
    Ok(Box::new(s))
}

#[cfg(not(feature = "link-postgres"))]
fn postgres(_url: &str) -> Result<Box<dyn LinkStore>, CliError> {
    Err(CliError::Usage(
        "--link postgres: this build has no PostgreSQL store (build with --features link-postgres)"
            .into(),
    ))
}
