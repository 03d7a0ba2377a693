//! The run the worker keeps between visits, in the browser's origin-private file system:
//! it stays on the learner's machine, and a write replaces the file whole or not at all
//! (the browser writes to a copy and swaps it in on `close`).

use js_sys::{Promise, Uint8Array};
use vocab::protocol::StorageError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetFileOptions,
    FileSystemWritableFileStream, WorkerGlobalScope,
};

/// The one kept run: the latest autosave.
const AUTOSAVE_FILE: &str = "autosave.vitp";

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

/// The kept run's bytes; `None` when nothing was kept.
pub async fn read_autosave() -> Result<Option<Vec<u8>>, StorageError> {
    let folder = folder().await?;
    let handle: FileSystemFileHandle =
        match JsFuture::from(folder.get_file_handle(AUTOSAVE_FILE)).await {
            Ok(handle) => handle.unchecked_into(),
            // NotFoundError: nothing kept yet.
            Err(_) => return Ok(None),
        };
    let file: File = wait(handle.get_file()).await?.unchecked_into();
    let buffer = wait(file.array_buffer()).await?;
    Ok(Some(Uint8Array::new(&buffer).to_vec()))
}

/// Keeps `bytes` as the run to come back to, replacing the one kept before.
pub async fn write_autosave(bytes: &[u8]) -> Result<(), StorageError> {
    let folder = folder().await?;
    let options = FileSystemGetFileOptions::new();
    options.set_create(true);
    let handle: FileSystemFileHandle =
        wait(folder.get_file_handle_with_options(AUTOSAVE_FILE, &options))
            .await?
            .unchecked_into();
    let stream: FileSystemWritableFileStream =
        wait(handle.create_writable()).await?.unchecked_into();
    let written = match stream.write_with_u8_array(bytes) {
        Ok(promise) => wait(promise).await.map(|_| ()),
        Err(error) => Err(storage_error(error)),
    };
    if let Err(error) = written {
        // Abandon the copy: the run kept before stays.
        let _ = JsFuture::from(stream.abort()).await;
        return Err(error);
    }
    wait(stream.close()).await.map(|_| ())
}
