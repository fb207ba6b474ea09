//! The output folder as a whole: a lock so that one run at a time writes it, a staging
//! folder beside it that holds the new output, and the swap that puts the new output in
//! place of the old one in one step (a reader sees the old output or the new one, never a
//! mix). What a crashed or killed run left behind is removed by the next run.

use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

/// Suffix of the lock file beside the output folder (`.NAME.rolemap-lock`).
pub const LOCK_SUFFIX: &str = ".rolemap-lock";
/// Part of the name of a staging folder (`.NAME.staging-PID` beside the output folder;
/// `.staging-PID` inside it for runs of earlier versions).
pub const STAGING_MARK: &str = ".staging-";
/// The folders of an output folder.
pub const SUBFOLDERS: [&str; 2] = ["comparison", "partials"];
/// Part of the name of an old output being removed after a swap without exchange.
const OLD_MARK: &str = ".rolemap-old-";

/// Is this file or folder name one of the run's own (lock, staging, old output)? The
/// listing of a corpus that holds the output folder leaves them out.
pub fn is_own_name(name: &str) -> bool {
    name.starts_with('.') && (name.contains(STAGING_MARK) || name.ends_with(LOCK_SUFFIX) || name.contains(OLD_MARK))
}

/// Whether `dir` is an output folder rolemap wrote (under any name, by `run` or `clean`):
/// it holds a `manifest.json` whose `tool` is rolemap.
pub fn is_output_folder(dir: &Path) -> bool {
    own_manifest(dir).is_some()
}

/// The `manifest.json` of an output folder rolemap wrote (its `tool` is rolemap), if `dir`
/// holds one (of at most 64 MiB).
pub fn own_manifest(dir: &Path) -> Option<serde_json::Value> {
    const MAX_MANIFEST: u64 = 64 << 20;
    let manifest = dir.join("manifest.json");
    let small = std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.is_file() && m.len() <= MAX_MANIFEST);
    if !small {
        return None;
    }
    std::fs::read(&manifest)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .filter(|v| v.get("tool").and_then(|t| t.as_str()) == Some(env!("CARGO_PKG_NAME")))
}

/// The lock of an output folder written in place (`rolemap clean`): the same lock file
/// `run` takes, so that neither writes into a folder the other is writing; removed when
/// dropped.
#[derive(Debug)]
pub struct Lock {
    held: Option<(File, PathBuf)>,
}

impl Lock {
    pub fn take(out: &Path) -> io::Result<Lock> {
        fs::create_dir_all(out)?;
        let (parent, name) = split(out)?;
        let path = parent.join(format!(".{name}{LOCK_SUFFIX}"));
        let f = lock(&path, out)?;
        *LOCK.lock().unwrap_or_else(|e| e.into_inner()) = Some(path.clone());
        Ok(Lock { held: Some((f, path)) })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some((f, path)) = self.held.take() {
            *LOCK.lock().unwrap_or_else(|e| e.into_inner()) = None;
            let _ = fs::remove_file(path);
            drop(f);
        }
    }
}

/// Where the commit of the new output stands, for a signal handler.
static STATE: AtomicU8 = AtomicU8::new(WRITING);
const WRITING: u8 = 0;
const SWAPPING: u8 = 1;
const SWAPPED: u8 = 2;
/// The staging folder being written, for a signal handler that ends the process.
static STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);
/// The lock file held, for the same handler (ending the process runs no `Drop`).
static LOCK: Mutex<Option<PathBuf>> = Mutex::new(None);

/// What a second interrupt finds when it ends the process at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandoned {
    /// The new output was not in place: the previous output is as it was.
    Before,
    /// The new output was already in place, whole.
    After,
}

/// Called by a signal handler that ends the process at once: waits for a swap in progress
/// (a few system calls), removes the staging folder of a run not yet committed, and says
/// which output is in place.
pub fn abandon() -> Abandoned {
    let t = std::time::Instant::now();
    while STATE.load(Ordering::SeqCst) == SWAPPING && t.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let swapped = STATE.load(Ordering::SeqCst) == SWAPPED;
    if !swapped {
        if let Some(st) = STAGING.lock().unwrap_or_else(|e| e.into_inner()).take() {
            // a file may be being created in it meanwhile: try again
            for _ in 0..3 {
                if fs::remove_dir_all(&st).is_ok() || !st.exists() {
                    break;
                }
            }
        }
    }
    // the lock is released when the process ends; its file is removed now
    if let Some(lock) = LOCK.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = fs::remove_file(lock);
    }
    if swapped {
        Abandoned::After
    } else {
        Abandoned::Before
    }
}

/// A held output folder: locked, with its staging folder.
#[derive(Debug)]
pub struct Folder {
    pub out: PathBuf,
    pub staging: PathBuf,
    lock: Option<(File, PathBuf)>,
    committed: bool,
    /// staging inside the output folder (a mount point): files are moved one by one
    inside: bool,
}

fn err(kind: io::ErrorKind, msg: String) -> io::Error {
    io::Error::new(kind, msg)
}

/// The parent and name of a folder, made absolute (`output` -> (`/cwd`, `output`)).
fn split(out: &Path) -> io::Result<(PathBuf, String)> {
    let abs = fs::canonicalize(out)?;
    let name = abs.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| {
        err(io::ErrorKind::InvalidInput, format!("{} is not a folder that can be replaced", out.display()))
    })?;
    let parent = abs.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
    Ok((parent, name))
}

#[cfg(unix)]
fn pid_alive(pid: i32) -> bool {
    // signal 0 checks only; EPERM means the process exists (another user's)
    unsafe { libc::kill(pid, 0) == 0 || *libc::__errno_location() == libc::EPERM }
}
#[cfg(not(unix))]
fn pid_alive(_pid: i32) -> bool {
    true
}

/// Take the lock `path`; fails when another live run holds it, naming that run.
#[cfg(unix)]
fn lock(path: &Path, out: &Path) -> io::Result<File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    use std::os::unix::io::AsRawFd;
    for _ in 0..16 {
        // never through a symbolic link planted in its place (it would write "pid N" there)
        let mut f = match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                return Err(err(
                    io::ErrorKind::AlreadyExists,
                    format!("the lock file {} is a symbolic link; remove it", path.display()),
                ))
            }
            Err(e) => return Err(e),
        };
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(e);
            }
            let mut who = String::new();
            let _ = f.read_to_string(&mut who);
            let who = who.trim();
            return Err(err(
                io::ErrorKind::WouldBlock,
                format!(
                    "{} is being written by another rolemap run ({}); wait for it to end or choose another --out",
                    out.display(),
                    if who.is_empty() { "pid unknown".to_string() } else { who.to_string() }
                ),
            ));
        }
        // the lock file may have been removed (by the run that held it) between open and
        // lock: then this lock is on a file nobody else sees; try again
        match fs::symlink_metadata(path) {
            Ok(m) if m.ino() == f.metadata()?.ino() && m.dev() == f.metadata()?.dev() => {
                f.set_len(0)?;
                f.rewind()?;
                writeln!(f, "pid {}", std::process::id())?;
                return Ok(f);
            }
            _ => continue,
        }
    }
    Err(err(io::ErrorKind::WouldBlock, format!("cannot lock {}", path.display())))
}
#[cfg(not(unix))]
fn lock(path: &Path, _out: &Path) -> io::Result<File> {
    fs::OpenOptions::new().write(true).create(true).truncate(true).open(path)
}

/// What in the output folder rolemap did not write (it would be lost in the swap): every
/// entry but the output files, the `comparison` folder with its files, and staging folders
/// of earlier versions. Symbolic links by those names are fine: they are removed as links,
/// never written through.
fn foreign(out: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let all = super::all_files();
    let ours = |rel: &str| all.iter().any(|f| f == rel);
    for e in fs::read_dir(out)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let ft = e.file_type()?;
        if name.starts_with(STAGING_MARK) && ft.is_dir() {
            continue;
        }
        if SUBFOLDERS.contains(&name.as_str()) && ft.is_dir() {
            for c in fs::read_dir(e.path())? {
                let c = c?;
                let rel = format!("{name}/{}", c.file_name().to_string_lossy());
                if !ours(&rel) || c.file_type()?.is_dir() {
                    found.push(rel + if c.file_type()?.is_dir() { "/ (a folder)" } else { "" });
                }
            }
            continue;
        }
        if !(ours(&name) && !ft.is_dir() || SUBFOLDERS.contains(&name.as_str()) && ft.is_symlink()) {
            found.push(name + if ft.is_dir() { "/ (a folder)" } else { "" });
        }
    }
    found.sort();
    Ok(found)
}

fn refuse_foreign(out: &Path) -> io::Result<()> {
    let f = foreign(out)?;
    if f.is_empty() {
        return Ok(());
    }
    let more = if f.len() > 5 { format!(" and {} more", f.len() - 5) } else { String::new() };
    Err(err(
        io::ErrorKind::AlreadyExists,
        format!(
            "{} holds what rolemap did not write ({}{more}); the whole folder is replaced by each run, so move that away or choose another --out",
            out.display(),
            f.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ),
    ))
}

impl Folder {
    /// Lock `out` (created if missing), clear what dead runs left, and create the staging
    /// folder beside it.
    pub fn open(out: &Path) -> io::Result<Folder> {
        fs::create_dir_all(out)?;
        if !out.is_dir() {
            return Err(err(io::ErrorKind::AlreadyExists, format!("{} is not a folder", out.display())));
        }
        let (parent, name) = split(out)?;
        let lock_path = parent.join(format!(".{name}{LOCK_SUFFIX}"));
        let lock_file = lock(&lock_path, out)?;
        let abs = parent.join(&name);
        // an output folder that is a mount point (a container's volume) cannot be swapped:
        // its files are replaced one by one from a staging folder inside it
        let inside = !same_device(&parent, &abs);
        let mut folder = Folder {
            staging: if inside {
                abs.join(format!("{STAGING_MARK}{}", std::process::id()))
            } else {
                parent.join(format!(".{name}{STAGING_MARK}{}", std::process::id()))
            },
            out: abs,
            lock: Some((lock_file, lock_path)),
            committed: false,
            inside,
        };
        if !inside {
            refuse_foreign(&folder.out)?;
        }
        // with the lock held, every staging folder of this output is a dead run's; inside
        // the folder, those of earlier versions (no lock) are removed when their run is gone
        let prefix = format!(".{name}");
        for e in fs::read_dir(&parent)?.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if let Some(rest) = n.strip_prefix(&prefix) {
                if (rest.starts_with(STAGING_MARK) || rest.starts_with(OLD_MARK)) && e.file_type()?.is_dir() {
                    fs::remove_dir_all(e.path())?;
                }
            }
        }
        for e in fs::read_dir(&folder.out)?.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = n.strip_prefix(STAGING_MARK).and_then(|p| p.parse::<i32>().ok()) {
                if !pid_alive(pid) || pid == std::process::id() as i32 {
                    fs::remove_dir_all(e.path())?;
                }
            }
        }
        fs::create_dir_all(folder.staging.join("comparison")).inspect_err(|_| {
            let _ = fs::remove_dir_all(&folder.staging);
        })?;
        *STAGING.lock().unwrap_or_else(|e| e.into_inner()) = Some(folder.staging.clone());
        *LOCK.lock().unwrap_or_else(|e| e.into_inner()) = folder.lock.as_ref().map(|(_, p)| p.clone());
        STATE.store(WRITING, Ordering::SeqCst);
        // the staging folder gets the output folder's permissions
        if let Ok(m) = fs::metadata(&folder.out) {
            let _ = fs::set_permissions(&folder.staging, m.permissions());
        }
        folder.committed = false;
        Ok(folder)
    }

    /// Put the staging folder in place of the output folder in one step (Linux:
    /// `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, so that a reader may find the
    /// folder missing for a moment but never mixed), then remove the old output. `stop` is
    /// asked last: when it says so, nothing is swapped.
    pub fn commit(&mut self, files: &[String], stop: impl Fn() -> bool) -> io::Result<bool> {
        if !self.inside {
            refuse_foreign(&self.out)?;
        }
        STATE.store(SWAPPING, Ordering::SeqCst);
        if stop() {
            STATE.store(WRITING, Ordering::SeqCst);
            return Ok(false);
        }
        let r = if self.inside { move_each(&self.staging, &self.out, files) } else { swap(&self.staging, &self.out) };
        match &r {
            Ok(()) => {
                self.committed = true;
                STATE.store(SWAPPED, Ordering::SeqCst);
                *STAGING.lock().unwrap_or_else(|e| e.into_inner()) = None;
                // the swap itself on disk: the entries of the folder that holds both (the
                // output is in place whatever this says, so it cannot fail the run)
                let parent = self.out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                let _ = File::open(parent).and_then(|d| d.sync_all());
                // the staging path now holds the old output
                remove_tree(&self.staging);
            }
            Err(_) => STATE.store(WRITING, Ordering::SeqCst),
        }
        r.map(|_| true)
    }
}

#[cfg(unix)]
fn same_device(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => true,
    }
}
#[cfg(not(unix))]
fn same_device(_a: &Path, _b: &Path) -> bool {
    true
}

/// The files of `staging` moved into `out` one by one (each is replaced whole); what an
/// earlier run wrote in other formats is removed.
fn move_each(staging: &Path, out: &Path, files: &[String]) -> io::Result<()> {
    for sub in SUBFOLDERS {
        fs::create_dir_all(out.join(sub))?;
    }
    for name in files {
        fs::rename(staging.join(name), out.join(name))?;
    }
    for name in super::all_files().iter().filter(|f| !files.contains(f)) {
        match fs::remove_file(out.join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Remove a folder and what it holds, the files at its top (the tables) on every core:
/// freeing a large file's blocks takes the file system a while (the old output of 2,000
/// full pages took 20 ms one file after another). They are unlinked relative to the folder
/// opened once, not followed if it is a link, so that a folder put in its place meanwhile
/// is not touched; the rest goes with `remove_dir_all`, which guards against the same.
/// Symbolic links are removed, never followed; what could not be removed is left.
#[cfg(unix)]
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    let opened = fs::OpenOptions::new().read(true).custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW).open(dir);
    if let (Ok(d), Ok(entries)) = (opened, fs::read_dir(dir)) {
        let files: Vec<std::ffi::CString> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| std::ffi::CString::new(e.file_name().as_bytes()).ok())
            .collect();
        let fd = d.as_raw_fd();
        files.par_iter().for_each(|name| {
            // SAFETY: `fd` is the folder opened above, open for as long as `d` lives; `name`
            // is a NUL-terminated name of one of its entries
            unsafe { libc::unlinkat(fd, name.as_ptr(), 0) };
        });
    }
    let _ = fs::remove_dir_all(dir);
}

#[cfg(not(unix))]
fn remove_tree(dir: &Path) {
    let _ = fs::remove_dir_all(dir);
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let (ca, cb) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?,
        std::ffi::CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?,
    );
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Swap `new` into `out`'s place; afterwards `new`'s path holds the old output.
fn swap(new: &Path, out: &Path) -> io::Result<()> {
    match exchange(new, out) {
        Ok(()) => return Ok(()),
        // file systems without the exchange: two renames
        Err(e) if matches!(e.raw_os_error(), Some(code) if code == EINVAL || code == ENOSYS) => {}
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {}
        Err(e) => return Err(e),
    }
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let old = out.with_file_name(format!(".{name}{OLD_MARK}{}", std::process::id()));
    fs::rename(out, &old)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(&old, out);
        return Err(e);
    }
    fs::rename(&old, new)
}

#[cfg(unix)]
const EINVAL: i32 = libc::EINVAL;
#[cfg(unix)]
const ENOSYS: i32 = libc::ENOSYS;
#[cfg(not(unix))]
const EINVAL: i32 = 22;
#[cfg(not(unix))]
const ENOSYS: i32 = 38;

impl Drop for Folder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
            *STAGING.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        // remove the lock file while it is still held (a run that opened it meanwhile sees
        // it gone and takes a new one), then release it
        if let Some((f, path)) = self.lock.take() {
            *LOCK.lock().unwrap_or_else(|e| e.into_inner()) = None;
            let _ = fs::remove_file(path);
            drop(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old output goes whole, its subfolders too; a link in it is removed, and what it
    /// points to is left alone.
    #[cfg(unix)]
    #[test]
    fn remove_tree_removes_all_and_follows_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old");
        let outside = dir.path().join("outside");
        fs::create_dir_all(old.join("comparison/deeper")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("keep.csv"), "kept").unwrap();
        for (i, f) in ["a.csv", "comparison/b.jsonl", "comparison/deeper/c.parquet"].iter().enumerate() {
            fs::write(old.join(f), vec![b'x'; 1 << (10 + 2 * i)]).unwrap();
        }
        std::os::unix::fs::symlink(&outside, old.join("comparison/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.csv"), old.join("file-link")).unwrap();
        remove_tree(&old);
        assert!(!old.exists());
        assert_eq!(fs::read_to_string(outside.join("keep.csv")).unwrap(), "kept");
        // a folder that is not there is no error
        remove_tree(&old);
    }
}
