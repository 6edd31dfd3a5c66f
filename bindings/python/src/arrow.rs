//! Arrow in, Arrow out: a column of export lines scored into a column of records without a
//! Python object per line, through the Arrow C data interface's PyCapsule protocol
//! (`__arrow_c_array__`). What `layer_risk.spark.score` runs on each batch.
//!
//! The lines arrive as any object that exports an Arrow array of `binary`, `large_binary`,
//! `utf8` or `large_utf8` (a `pyarrow.Array`); the buffers are read in place (the array is
//! moved out of its capsule, as the protocol asks, and released when scoring ends). Each line
//! is scored by the core's `Scorer::record` (the batch engine's line rules: a blank line or a
//! null gives no record, a trailing CR is dropped, a line over the limit gets
//! `line_too_long`), and the records are built straight into an Arrow `utf8` array, null where
//! a line gave none, exported the same way.

use std::ffi::CStr;

use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::types::ByteArrayType;
use arrow_array::{make_array, Array, ArrayRef, GenericByteArray, StringArray};
use arrow_buffer::ArrowNativeType;
use arrow_schema::DataType;
use layer_risk::{batch, LineResult};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// Bytes of records a `utf8` array can hold (its offsets are 32-bit).
const MAX_UTF8_BYTES: usize = i32::MAX as usize;

/// Import the Arrow array `value` exports through `__arrow_c_array__`.
pub(crate) fn import(value: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    let py = value.py();
    if !value.hasattr(pyo3::intern!(py, "__arrow_c_array__"))? {
        return Err(PyTypeError::new_err(format!(
            "lines: expected an Arrow array (an object with __arrow_c_array__, such as a pyarrow.Array), got {}",
            value.get_type().name()?
        )));
    }
    let pair = value.call_method0(pyo3::intern!(py, "__arrow_c_array__"))?;
    let pair = pair.cast::<PyTuple>().map_err(|_| {
        PyTypeError::new_err("__arrow_c_array__ must return a tuple of two capsules")
    })?;
    if pair.len() != 2 {
        return Err(PyTypeError::new_err(
            "__arrow_c_array__ must return a tuple of two capsules",
        ));
    }
    let schema = pair.get_item(0)?;
    let array = pair.get_item(1)?;
    let schema = schema
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_array__: the schema is not a capsule"))?;
    let array = array
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_array__: the array is not a capsule"))?;
    let schema_ptr = schema
        .pointer_checked(Some(SCHEMA))?
        .cast::<FFI_ArrowSchema>();
    let array_ptr = array.pointer_checked(Some(ARRAY))?.cast::<FFI_ArrowArray>();
    // SAFETY: the capsules are named as the protocol names them, so they hold an
    // `ArrowSchema` and an `ArrowArray`. The schema is only borrowed (the capsule keeps it
    // alive for this call). The array is moved out of its capsule, leaving a released struct
    // behind, as the protocol asks of a consumer; it is released when the imported data is
    // dropped.
    let data = unsafe {
        let schema = schema_ptr.as_ref();
        let moved = FFI_ArrowArray::from_raw(array_ptr.as_ptr());
        from_ffi(moved, schema)
    }
    .map_err(|e| PyValueError::new_err(format!("lines: not a valid Arrow array ({e})")))?;
    Ok(make_array(data))
}

/// Export `array` as the pair of capsules `__arrow_c_array__` returns.
pub(crate) fn export<'py>(py: Python<'py>, array: &StringArray) -> PyResult<Bound<'py, PyTuple>> {
    let (ffi_array, ffi_schema) = to_ffi(&array.to_data())
        .map_err(|e| PyValueError::new_err(format!("records: cannot export ({e})")))?;
    let schema = PyCapsule::new_with_value(py, ffi_schema, SCHEMA)?;
    let array = PyCapsule::new_with_value(py, ffi_array, ARRAY)?;
    PyTuple::new(py, [schema.into_any(), array.into_any()])
}

/// Why a column could not be scored.
pub(crate) enum ScoreError {
    /// Not a column of lines.
    Type(String),
    /// More record bytes than one `utf8` array holds.
    TooLarge,
    /// Offsets outside the value buffer.
    Malformed,
}

impl From<ScoreError> for PyErr {
    fn from(e: ScoreError) -> PyErr {
        match e {
            ScoreError::Type(t) => PyTypeError::new_err(format!(
                "lines: expected an Arrow array of binary or utf8 (large or not), got {t}"
            )),
            ScoreError::Malformed => PyValueError::new_err(
                "lines: a malformed Arrow array (offsets outside its values)",
            ),
            ScoreError::TooLarge => PyValueError::new_err(
                "lines: the records of this array exceed 2 GiB, what one utf8 array holds; score it in smaller slices",
            ),
        }
    }
}

/// Call `f` with each line's bytes (None for a null), read straight from the offsets and the
/// value buffer: a `utf8` column is read as bytes, never as `str`, since the C data interface
/// imports it unvalidated and a line need not be UTF-8 (it then gets `invalid_utf8`, as in the
/// CLI). Offsets that point outside the values are an error, not a panic.
fn each_line<T: ByteArrayType>(
    lines: &GenericByteArray<T>,
    mut f: impl FnMut(Option<&[u8]>) -> Result<(), ScoreError>,
) -> Result<(), ScoreError> {
    let offsets = lines.value_offsets();
    let values = lines.value_data();
    for i in 0..lines.len() {
        if lines.is_null(i) {
            f(None)?;
            continue;
        }
        let (Some(start), Some(end)) = (offsets.get(i), offsets.get(i + 1)) else {
            return Err(ScoreError::Malformed);
        };
        let (Some(start), Some(end)) = (start.to_usize(), end.to_usize()) else {
            return Err(ScoreError::Malformed);
        };
        let bytes = values.get(start..end).ok_or(ScoreError::Malformed)?;
        f(Some(bytes))?;
    }
    Ok(())
}

/// Each line's record (without its newline), null for a null or blank line.
pub(crate) fn score(
    scorer: &layer_risk::Scorer,
    lines: &dyn Array,
) -> Result<StringArray, ScoreError> {
    let n = lines.len();
    let mut builder = StringBuilder::with_capacity(n, n.saturating_mul(768));
    let mut out = Vec::with_capacity(4096);
    let mut total = 0usize;
    let mut one = |raw: Option<&[u8]>| -> Result<(), ScoreError> {
        let Some(raw) = raw else {
            builder.append_null();
            return Ok(());
        };
        out.clear();
        match scorer.record(None, raw, batch::DEFAULT_MAX_LINE_BYTES, &mut out) {
            LineResult::Blank => builder.append_null(),
            _ => {
                let rec = out.strip_suffix(b"\n").unwrap_or(&out);
                total += rec.len();
                if total > MAX_UTF8_BYTES {
                    return Err(ScoreError::TooLarge);
                }
                // Records are JSON the core writes, always UTF-8; a lossy read never alters one.
                builder.append_value(String::from_utf8_lossy(rec));
            }
        }
        Ok(())
    };
    match lines.data_type() {
        DataType::Binary => each_line(lines.as_binary::<i32>(), &mut one)?,
        DataType::LargeBinary => each_line(lines.as_binary::<i64>(), &mut one)?,
        DataType::Utf8 => each_line(lines.as_string::<i32>(), &mut one)?,
        DataType::LargeUtf8 => each_line(lines.as_string::<i64>(), &mut one)?,
        other => return Err(ScoreError::Type(other.to_string())),
    }
    Ok(builder.finish())
}

/// A column of decision records as an Arrow `utf8` array (null where a line was blank or
/// null), returned by `Scorer.score_arrow`: hand it to `pyarrow.array(...)` (or any consumer
/// of the Arrow PyCapsule protocol) to get the array without copying it.
#[pyclass(frozen, module = "layer_risk", name = "ArrowRecords")]
pub(crate) struct ArrowRecords {
    pub(crate) array: StringArray,
}

#[pymethods]
impl ArrowRecords {
    /// The Arrow PyCapsule protocol: `(schema, array)` capsules of a `utf8` array. A
    /// requested schema other than `utf8` is ignored (consumers cast if they must).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        export(py, &self.array)
    }

    /// The number of records (nulls included).
    fn __len__(&self) -> usize {
        self.array.len()
    }

    /// Lines that gave no record (blank or null).
    #[getter]
    fn null_count(&self) -> usize {
        self.array.null_count()
    }

    fn __repr__(&self) -> String {
        format!(
            "ArrowRecords(len={}, nulls={})",
            self.array.len(),
            self.array.null_count()
        )
    }
}
