//! A file that appears under its name only once it is complete.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes to a temporary file beside `path` (same directory, so the final
/// rename is atomic) and renames it to `path` on [`commit`](Self::commit).
/// Dropped without a commit (an error, a panic, Ctrl-C unwinding), it
/// removes the temporary file: a reader never finds a partial report under
/// the real name.
///
/// ```
/// use std::io::Write;
/// use entra_access_ops::reports::OutputFile;
///
/// let path = std::env::temp_dir().join(format!("report-doc-{}.csv", std::process::id()));
/// let mut out = OutputFile::create(&path)?;
/// writeln!(out, "a,b")?;
/// assert!(!path.exists());
/// out.commit()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "a,b\n");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct OutputFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<File>>,
}

impl OutputFile {
    /// Creates the temporary file; fails (with the OS error) when the
    /// directory does not exist or cannot be written.
    pub fn create(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".partial-{}", std::process::id()));
        let temp = path.with_file_name(temp_name);
        let file = File::create(&temp)?;
        Ok(Self {
            path,
            temp,
            file: Some(BufWriter::new(file)),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file to its final name.
    pub fn commit(mut self) -> io::Result<()> {
        let result = self.finish();
        if result.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        result
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()?;
        }
        std::fs::rename(&self.temp, &self.path)
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("the file was already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("output-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.join("x.csv");
        {
            let mut out = OutputFile::create(&path).unwrap_or_else(|e| unreachable!("{e}"));
            out.write_all(b"half")
                .unwrap_or_else(|e| unreachable!("{e}"));
        }
        assert_eq!(std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(99), 0);
        assert!(OutputFile::create(dir.join("missing").join("x.csv")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
