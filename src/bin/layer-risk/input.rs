//! Inputs: a file or stdin, gzip detected by its magic bytes; the progress bar; rules files
//! and labels, read for the commands.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use layer_risk::diff::{parse_labels, Label};
use layer_risk::RuleSet;

use crate::error::{CliError, Context};

/// A rules file, or the embedded default.
pub(crate) fn rules(path: Option<&Path>) -> Result<RuleSet, CliError> {
    match path {
        None => Ok(RuleSet::embedded_default().clone()),
        Some(p) => Ok(RuleSet::from_path(p)?),
    }
}

/// A labels CSV (`request_id,label`); a bad line is an input error naming it.
pub(crate) fn labels(p: &Path) -> Result<HashMap<String, Label>, CliError> {
    let text =
        std::fs::read_to_string(p).reading(|| format!("cannot read labels {}", p.display()))?;
    parse_labels(&text)
        .map_err(|(line, msg)| CliError::Input(format!("{}:{line}: {msg}", p.display())))
}

/// Counts the raw (compressed) bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An input: file or stdin, gzip detected by its magic bytes.
pub(crate) struct Input {
    /// The decompressed bytes.
    pub(crate) reader: Box<dyn Read + Send>,
    /// Size of the file in bytes, when it is one.
    pub(crate) size: Option<u64>,
    /// Raw bytes read so far (compressed bytes for gzip).
    pub(crate) raw_read: Arc<AtomicU64>,
}

/// Open `path` (`-` for stdin).
pub(crate) fn open(path: &Path) -> Result<Input, CliError> {
    let count = Arc::new(AtomicU64::new(0));
    let (raw, size): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let f = File::open(path).reading(|| format!("cannot open {}", path.display()))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    // Sniff the gzip magic without a BufReader in the way, so plain input is read straight
    // into the batch engine's blocks (one copy fewer).
    let mut counting = Counting {
        inner: raw,
        count: count.clone(),
    };
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match counting.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(CliError::Input(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        }
    }
    let head = io::Cursor::new(magic[..got].to_vec());
    let reader: Box<dyn Read + Send> = if magic[..got] == [0x1f, 0x8b] {
        let buffered = BufReader::with_capacity(1 << 20, head.chain(counting));
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(head.chain(counting))
    };
    Ok(Input {
        reader,
        size,
        raw_read: count,
    })
}

/// The whole (decompressed) content of `path`.
pub(crate) fn read_all(path: &Path) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    open(path)?
        .reader
        .read_to_end(&mut bytes)
        .reading(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
pub(crate) fn progress_bar(quiet: bool, size: Option<u64>) -> Option<indicatif::ProgressBar> {
    if quiet || !io::stderr().is_terminal() {
        return None;
    }
    let style = match size {
        Some(_) => indicatif::ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {msg} eta {eta}",
        ),
        None => indicatif::ProgressStyle::with_template("{spinner} {bytes} read {msg}"),
    }
    .ok()?;
    let bar = match size {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(style);
    Some(bar)
}
