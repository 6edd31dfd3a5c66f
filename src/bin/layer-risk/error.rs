//! Why a command stopped early, named for what went wrong. Every kind but a closed stdout
//! is printed as `layer-risk: MESSAGE` and exits 2 (see `main.rs` for the exit statuses).

use std::fmt;
use std::io;

use layer_risk::RulesError;

/// A command's failure.
#[derive(Debug)]
pub(crate) enum CliError {
    /// Arguments that clap cannot check (`diff` with one `--rules`).
    Usage(String),
    /// An input cannot be opened or read, or is not what the command reads (an export, a
    /// response, an applicant, labels, a summary, test cases).
    Input(String),
    /// A rules file does not load: its located message.
    Rules(RulesError),
    /// An output cannot be written (stdout, `--summary`, `--plot`, `--out`, `--labels`).
    Output(String),
    /// Stdout was closed (`| head`): stop quietly.
    BrokenPipe,
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Input(m) | CliError::Output(m) => f.write_str(m),
            CliError::Rules(e) => write!(f, "{e}"),
            CliError::BrokenPipe => f.write_str("stdout was closed"),
        }
    }
}

impl From<RulesError> for CliError {
    fn from(e: RulesError) -> Self {
        CliError::Rules(e)
    }
}

impl CliError {
    /// An error of writing stdout (or of the batch engine, whose errors come from the
    /// input it streams or the output it writes).
    pub(crate) fn io(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Output(format!("I/O error: {e}"))
        }
    }
}

/// Attach what was being done to an I/O error.
pub(crate) trait Context<T> {
    /// Reading an input failed: `msg: error`.
    fn reading(self, msg: impl FnOnce() -> String) -> Result<T, CliError>;
    /// Writing an output failed: `msg: error`.
    fn writing(self, msg: impl FnOnce() -> String) -> Result<T, CliError>;
}

impl<T> Context<T> for io::Result<T> {
    fn reading(self, msg: impl FnOnce() -> String) -> Result<T, CliError> {
        self.map_err(|e| CliError::Input(format!("{}: {e}", msg())))
    }

    fn writing(self, msg: impl FnOnce() -> String) -> Result<T, CliError> {
        self.map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => CliError::BrokenPipe,
            _ => CliError::Output(format!("{}: {e}", msg())),
        })
    }
}
