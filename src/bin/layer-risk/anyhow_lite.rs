//! The CLI's failure type: a message for stderr and exit status 2, or a closed stdout.

use std::io;

/// Why a command stopped early.
pub(crate) enum Fail {
    /// Usage, input-file or rules-file error: printed, exit 2.
    Usage(String),
    /// Stdout was closed (`| head`): stop quietly.
    BrokenPipe,
}

impl Fail {
    /// Map an I/O error of the output.
    pub(crate) fn from_io(e: io::Error) -> Fail {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Fail::BrokenPipe
        } else {
            Fail::Usage(format!("I/O error: {e}"))
        }
    }
}

/// Attach a message to an I/O error.
pub(crate) trait Context<T> {
    /// `msg: error`.
    fn context(self, msg: String) -> Result<T, Fail>;
}

impl<T> Context<T> for io::Result<T> {
    fn context(self, msg: String) -> Result<T, Fail> {
        self.map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => Fail::BrokenPipe,
            _ => Fail::Usage(format!("{msg}: {e}")),
        })
    }
}
