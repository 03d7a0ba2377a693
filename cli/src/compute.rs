//! How `vitp` runs the CPU kernels: on rayon's threads, with freed memory kept for reuse.
//!
//! Both are settings of the native program only; the page's worker is single-threaded wasm
//! and its allocator (dlmalloc in the wasm memory) never hands memory back.

/// Runs `work` on one of the kernels' own threads, and returns what it returns.
///
/// burn-flex splits its kernels with rayon. Called from `main`'s thread, each kernel hands
/// its pieces to the pool and sleeps until they are done: with one thread
/// (`RAYON_NUM_THREADS=1`) that is a wake-up and a sleep per operation, about 9 % of a
/// `small` step's samples in a `perf` profile (BENCHMARKS.md). Started inside the pool, a
/// kernel runs on the thread that calls it and the other threads steal from it. The pool's
/// size is rayon's default (`RAYON_NUM_THREADS`, else one thread per core).
pub fn on_kernel_threads<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().build() {
        Ok(pool) => pool.install(work),
        // No threads to be had: the kernels then run on the global pool as before.
        Err(_) => work(),
    }
}

/// Keeps freed memory in the process for the next allocation instead of handing it back.
///
/// burn-flex allocates every result afresh (tensors of 0.5–2 MB for `small`), and glibc gives
/// such blocks back to the kernel when they are freed (`munmap`, or trimming the heap), so
/// the next step faults the same pages in again: 140 000 page faults and 0.7 s of system
/// time in a 35-step `small` bench, against 17 000 and 0.35 s with these settings. The
/// process's memory stays at its peak, which is what a training run reaches anyway.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets glibc's allocator parameters; it is called first thing
    // in `main`, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}
