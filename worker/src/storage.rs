//! The runs the worker keeps between visits, in the browser's origin-private file system:
//! they stay on the learner's machine, and a write replaces a file whole or not at all
//! (the browser writes to a copy and swaps it in on `close`). What to write and remove is
//! the session's decision ([`session::keep::StorageWork`]); this only carries it out.

use js_sys::{Promise, Uint8Array};
use vocab::protocol::StorageError;
use vocab::shelf::{run_file_name, Shelf, INDEX_FILE, LEGACY_AUTOSAVE_FILE};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions,
    FileSystemWritableFileStream, WorkerGlobalScope,
};

fn storage_error(error: JsValue) -> StorageError {
    match error.dyn_ref::<DomException>().map(|e| e.name()) {
        Some(name) if name == "QuotaExceededError" => StorageError::Full,
        Some(name) if name == "SecurityError" || name == "NotAllowedError" => {
            StorageError::Unavailable
        }
        Some(name) => StorageError::Failed(name),
        None => StorageError::Failed(error.as_string().unwrap_or_else(|| format!("{error:?}"))),
    }
}

async fn wait(promise: Promise) -> Result<JsValue, StorageError> {
    JsFuture::from(promise).await.map_err(storage_error)
}

async fn folder() -> Result<FileSystemDirectoryHandle, StorageError> {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    let storage = scope.navigator().storage();
    // Browsers without the origin-private file system have no `getDirectory`.
    if !js_sys::Reflect::has(&storage, &"getDirectory".into()).unwrap_or(false) {
        return Err(StorageError::Unavailable);
    }
    Ok(wait(storage.get_directory()).await?.unchecked_into())
}

/// The bytes of the file `name`; `None` when there is none.
pub async fn read(name: &str) -> Result<Option<Vec<u8>>, StorageError> {
    let folder = folder().await?;
    let handle: FileSystemFileHandle = match JsFuture::from(folder.get_file_handle(name)).await {
        Ok(handle) => handle.unchecked_into(),
        // NotFoundError: nothing kept yet.
        Err(_) => return Ok(None),
    };
    let file: File = wait(handle.get_file()).await?.unchecked_into();
    let buffer = wait(file.array_buffer()).await?;
    Ok(Some(Uint8Array::new(&buffer).to_vec()))
}

/// Writes `bytes` as the file `name`, replacing what it held.
pub async fn write(name: &str, bytes: &[u8]) -> Result<(), StorageError> {
    let folder = folder().await?;
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    let handle: FileSystemFileHandle = wait(folder.get_file_handle_with_options(name, &options))
        .await?
        .unchecked_into();
    let stream: FileSystemWritableFileStream =
        wait(handle.create_writable()).await?.unchecked_into();
    let written = match stream.write_with_u8_array(bytes) {
        Ok(promise) => wait(promise).await.map(|_| ()),
        Err(error) => Err(storage_error(error)),
    };
    if let Err(error) = written {
        // Abandon the copy: what the file held before stays.
        let _ = JsFuture::from(stream.abort()).await;
        return Err(error);
    }
    wait(stream.close()).await.map(|_| ())
}

/// Removes the file `name`; one already gone is no error.
pub async fn remove(name: &str) -> Result<(), StorageError> {
    let folder = folder().await?;
    match JsFuture::from(folder.remove_entry(name)).await {
        Ok(_) => Ok(()),
        Err(error) => match error.dyn_ref::<DomException>().map(|e| e.name()) {
            Some(name) if name == "NotFoundError" => Ok(()),
            _ => Err(storage_error(error)),
        },
    }
}

/// The recent runs' index and, when `resume`, the bytes of the open run (the one a reload
/// comes back to). Before there was a list, the one kept run lived in its own file: it is
/// read then.
pub async fn read_kept(resume: bool) -> Result<(Shelf, Vec<u8>), StorageError> {
    let Some(index) = read(INDEX_FILE).await? else {
        let legacy = match resume {
            true => read(LEGACY_AUTOSAVE_FILE).await?,
            false => None,
        };
        return Ok((Shelf::default(), legacy.unwrap_or_default()));
    };
    let shelf = Shelf::from_json(&index);
    let open = match shelf.open {
        Some(id) if resume => read(&run_file_name(id)).await?.unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok((shelf, open))
}
