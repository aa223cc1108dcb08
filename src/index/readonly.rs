//! The index on a read-only file system: tantivy takes a lock file even to
//! open a reader, which cannot be created there, so searches would fail
//! although the index is whole. This directory reads through an mmap'ed one
//! and refuses every write; its locks are no-ops (nothing can write anyway).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

#[derive(Debug, Clone)]
pub struct ReadOnly(MmapDirectory);

fn refused() -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        "the search index is read-only here",
    )
}

impl ReadOnly {
    pub fn open(dir: &Path) -> tantivy::Result<ReadOnly> {
        Ok(ReadOnly(MmapDirectory::open(dir).map_err(|e| {
            tantivy::TantivyError::SystemError(e.to_string())
        })?))
    }
}

/// Whether `dir` cannot take the lock file a reader needs.
pub fn is_read_only(dir: &Path) -> bool {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".tantivy-meta.lock"))
        .is_err()
}

impl Directory for ReadOnly {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(refused()),
            filepath: path.to_path_buf(),
        })
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(refused()),
            filepath: PathBuf::from(path),
        })
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(refused())
    }
    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn an_index_reads_through_the_read_only_directory_and_refuses_writes() {
        let dir = tempfile::tempdir().unwrap();
        let mut sb = Schema::builder();
        let title = sb.add_text_field("title", TEXT | STORED);
        let index = Index::create_in_dir(dir.path(), sb.build()).unwrap();
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        w.add_document(doc!(title => "replica lag")).unwrap();
        w.commit().unwrap();
        drop(w);
        let ro = Index::open(ReadOnly::open(dir.path()).unwrap()).unwrap();
        let reader = ro.reader().unwrap();
        assert_eq!(reader.searcher().num_docs(), 1);
        assert!(
            ro.writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
                .is_err()
                || {
                    // The lock is a no-op; a write itself is refused.
                    let mut w = ro
                        .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
                        .unwrap();
                    w.add_document(doc!(title => "x")).unwrap();
                    w.commit().is_err()
                }
        );
        assert!(!is_read_only(dir.path()));
    }
}
