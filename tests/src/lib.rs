//! The end-to-end harness: every program of the workspace is started as a
//! real process and driven through real sockets and its stdin.
//!
//! - [`program`] and [`example`] find a binary, building the workspace the
//!   first time (so a plain `cargo test` in a fresh clone is enough).
//! - [`Proc`] is a running child: its stdout and stderr are collected as
//!   they arrive, every wait on them has a deadline, and dropping it kills
//!   the process, so a failing test leaves nothing behind.
//! - [`Proc::server`] starts a server on `127.0.0.1:0` and reads the
//!   address it bound from its first stdout line, so tests run in parallel
//!   without fixed ports.
//! - [`connect`], [`read_exactly`], [`read_to_close`] and friends talk to
//!   a program over TCP with the same deadline on every read and write.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// How long any single wait in a test may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

// ------------------------------------------------------------- binaries

/// The path of a workspace binary (`tcp-hello-server`), built on first use.
pub fn program(name: &str) -> PathBuf {
    built(profile_dir().join(name))
}

/// The path of an example (`one_shot_server`), built on first use.
pub fn example(name: &str) -> PathBuf {
    built(profile_dir().join("examples").join(name))
}

/// `target/debug` (or `target/release` under `cargo bench`): the folder
/// that holds this test binary's `deps/` folder.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test binary");
    exe.parent()
        .and_then(Path::parent)
        .expect("test binary in <profile>/deps/")
        .to_path_buf()
}

/// `cargo test` builds only what the tests package needs, not the other
/// members' binaries; so the first test to need one runs
/// `cargo build --workspace --bins --examples` once for all.
fn built(path: PathBuf) -> PathBuf {
    static BUILD: OnceLock<Result<(), String>> = OnceLock::new();
    let result = BUILD.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let mut cmd = Command::new(cargo);
        cmd.args([
            "build",
            "--quiet",
            "--workspace",
            "--bins",
            "--examples",
            "--manifest-path",
        ])
        .arg(manifest);
        if profile_dir().ends_with("release") {
            cmd.arg("--release");
        }
        match cmd.output() {
            Ok(out) if out.status.success() => Ok(()),
            Ok(out) => Err(format!(
                "cargo build failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            )),
            Err(e) => Err(format!("cannot run cargo: {e}")),
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let exe = path.with_extension(std::env::consts::EXE_EXTENSION);
    assert!(exe.is_file(), "{} was not built", exe.display());
    exe
}

// ------------------------------------------------------------- processes

/// Everything a child has written on one of its pipes so far.
#[derive(Default)]
struct Pipe {
    state: Mutex<PipeState>,
    grew: Condvar,
}

#[derive(Default)]
struct PipeState {
    bytes: Vec<u8>,
    /// When each piece arrived, and the length of `bytes` after it.
    arrivals: Vec<(Instant, usize)>,
    eof: bool,
}

impl Pipe {
    /// Copies `from` into the buffer in a thread of its own until EOF.
    fn collect(from: impl Read + Send + 'static) -> Arc<Pipe> {
        let pipe = Arc::new(Pipe::default());
        let sink = Arc::clone(&pipe);
        thread::spawn(move || {
            let mut from = from;
            let mut buf = [0; 8192];
            loop {
                let n = from.read(&mut buf).unwrap_or(0);
                let now = Instant::now();
                let mut state = sink.state.lock().unwrap();
                state.bytes.extend_from_slice(&buf[..n]);
                let len = state.bytes.len();
                state.arrivals.push((now, len));
                state.eof = n == 0;
                sink.grew.notify_all();
                if n == 0 {
                    return;
                }
            }
        });
        pipe
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.state.lock().unwrap().bytes).into_owned()
    }

    /// When each occurrence of `text` so far arrived (was read from the
    /// pipe), in order.
    fn arrivals(&self, text: &str) -> Vec<Instant> {
        let state = self.state.lock().unwrap();
        let needle = text.as_bytes();
        let mut times = Vec::new();
        if needle.is_empty() {
            return times;
        }
        let mut from = 0;
        let mut piece = 0;
        while let Some(at) = state.bytes[from..]
            .windows(needle.len())
            .position(|w| w == needle)
        {
            from += at + needle.len(); // where this occurrence ends
            while state.arrivals[piece].1 < from {
                piece += 1;
            }
            times.push(state.arrivals[piece].0);
        }
        times
    }

    /// Waits until `done(bytes, eof)` holds; false if the deadline passed.
    fn wait(&self, deadline: Instant, done: impl Fn(&[u8], bool) -> bool) -> bool {
        let mut state = self.state.lock().unwrap();
        while !done(&state.bytes, state.eof) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self.grew.wait_timeout(state, left).unwrap().0;
        }
        true
    }
}

/// A running program. Dropping it kills the process.
pub struct Proc {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Pipe>,
    stderr: Arc<Pipe>,
}

/// How a program ended.
#[derive(Debug)]
pub struct Exit {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Exit {
    /// The exit code; a program killed by a signal fails the test.
    pub fn code(&self) -> i32 {
        self.status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal: {self:?}"))
    }
}

impl Proc {
    /// Starts `path` with `args`, stdin, stdout and stderr all piped.
    pub fn start(path: &Path, args: &[&str]) -> Proc {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        Proc::start_os(path, &args)
    }

    /// [`Proc::start`] with arguments that need not be UTF-8 (see [`not_utf8`]).
    pub fn start_os(path: &Path, args: &[&OsStr]) -> Proc {
        Proc::start_with(path, args, &[], Stdio::piped())
    }

    /// [`Proc::start_os`] with environment variables `env` set (such as
    /// `IDLE_SECS`), and stdout sent to `stdout`: piped and collected, or
    /// a file such as `/dev/full` (then [`Proc::stdout`] stays empty).
    pub fn start_with(path: &Path, args: &[&OsStr], env: &[(&str, &str)], stdout: Stdio) -> Proc {
        Proc::start_stdio(path, args, env, Stdio::piped(), stdout)
    }

    /// Starts `path args` with stdin from `stdin` (such as `/dev/zero`,
    /// then [`Proc::type_in`] cannot be used), stdout piped and collected.
    pub fn start_stdin(path: &Path, args: &[&str], stdin: Stdio) -> Proc {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        Proc::start_stdio(path, &args, &[], stdin, Stdio::piped())
    }

    fn start_stdio(
        path: &Path,
        args: &[&OsStr],
        env: &[(&str, &str)],
        stdin: Stdio,
        stdout: Stdio,
    ) -> Proc {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let mut child = Command::new(path)
            .args(args)
            .envs(env.iter().copied())
            .stdin(stdin)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .env("RUST_BACKTRACE", "0")
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let stdout = match child.stdout.take() {
            Some(piped) => Pipe::collect(piped),
            None => Pipe::collect(io::empty()),
        };
        let stderr = Pipe::collect(child.stderr.take().expect("piped stderr"));
        let stdin = child.stdin.take();
        Proc {
            name,
            child,
            stdin,
            stdout,
            stderr,
        }
    }

    /// Starts `path args` with stdout on `/dev/full`, where every write
    /// fails with "No space left on device" (ENOSPC).
    #[cfg(target_os = "linux")]
    pub fn start_stdout_full(path: &Path, args: &[&str]) -> Proc {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full");
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        Proc::start_with(path, &args, &[], Stdio::from(full))
    }

    /// Starts the workspace binary `name`.
    pub fn program(name: &str, args: &[&str]) -> Proc {
        Proc::start(&program(name), args)
    }

    /// Starts the example `name`.
    pub fn example(name: &str, args: &[&str]) -> Proc {
        Proc::start(&example(name), args)
    }

    /// Starts a server and returns it with the address it bound, read from
    /// its first stdout line (`Listening on 127.0.0.1:PORT`).
    pub fn server(path: &Path, args: &[&str]) -> (Proc, SocketAddr) {
        Proc::server_with(path, args, &[])
    }

    /// [`Proc::server`] with environment variables `env` set (such as
    /// `IDLE_SECS`).
    pub fn server_with(path: &Path, args: &[&str], env: &[(&str, &str)]) -> (Proc, SocketAddr) {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let proc = Proc::start_with(path, &args, env, Stdio::piped());
        let addr = proc.listening_addr();
        (proc, addr)
    }

    /// The address a server bound, read from its first stdout line
    /// (`Listening on 127.0.0.1:PORT`), for a server started otherwise.
    pub fn listening_addr(&self) -> SocketAddr {
        let first = self.wait_line(0);
        let addr = first.rsplit(' ').next().and_then(|a| a.parse().ok());
        addr.unwrap_or_else(|| self.fail(&format!("first line {first:?} names no address")))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes `text` to the program's stdin. A program that has already
    /// exited (a client whose server was not there) reads no more input:
    /// that is no failure here, its exit and output tell the test.
    pub fn type_in(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        match stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush())
        {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                self.fail(&format!("cannot write to stdin: {e}"))
            }
            _ => {}
        }
    }

    /// Closes the program's stdin: it sees end of input.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// What the program has printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    /// What the program has printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// When each occurrence of `text` on stderr so far arrived, in order:
    /// for tests of timing that must count from what they have seen.
    pub fn stderr_arrivals(&self, text: &str) -> Vec<Instant> {
        self.stderr.arrivals(text)
    }

    /// Waits until stdout holds `text` `count` times or more.
    pub fn wait_stdout(&self, text: &str, count: usize) {
        let seen = self.stdout.wait(Instant::now() + DEADLINE, |b, _| {
            occurrences(b, text.as_bytes()) >= count
        });
        if !seen {
            self.fail(&format!(
                "{text:?} (x{count}) not on stdout within {DEADLINE:?}"
            ));
        }
    }

    /// Waits until stderr holds `text`.
    pub fn wait_stderr(&self, text: &str) {
        if !self.stderr.wait(Instant::now() + DEADLINE, |b, _| {
            occurrences(b, text.as_bytes()) >= 1
        }) {
            self.fail(&format!("{text:?} not on stderr within {DEADLINE:?}"));
        }
    }

    /// Waits for stdout line number `index` (from 0) to be complete.
    pub fn wait_line(&self, index: usize) -> String {
        let done = |b: &[u8], _: bool| b.iter().filter(|&&c| c == b'\n').count() > index;
        if !self.stdout.wait(Instant::now() + DEADLINE, done) {
            self.fail(&format!("no stdout line {index} within {DEADLINE:?}"));
        }
        self.stdout()
            .lines()
            .nth(index)
            .unwrap_or_default()
            .to_string()
    }

    /// Waits for the program to exit by itself, then returns all it printed.
    pub fn wait_exit(self) -> Exit {
        self.wait_exit_after(Duration::ZERO)
    }

    /// [`Proc::wait_exit`], checked to be exit 0.
    pub fn wait_exit_0(self) -> Exit {
        let exit = self.wait_exit();
        assert_eq!(exit.code(), 0, "{exit:?}");
        exit
    }

    /// Fails the test with everything the program printed.
    pub fn fail(&self, why: &str) -> ! {
        panic!(
            "{}: {why}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.name,
            self.stdout(),
            self.stderr()
        )
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        // Already gone is fine: kill() then errs and wait() reaps it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return usize::MAX;
    }
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// How many threads process `pid` has now (Linux: /proc/PID/status).
pub fn thread_count(pid: u32) -> usize {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc/PID/status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .expect("a Threads: line");
    line.trim().parse().expect("a thread count")
}

/// Waits until `check()` holds, looking again every 10 ms, for things no
/// event tells about (a thread count in /proc). False after [`DEADLINE`].
pub fn eventually(check: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + DEADLINE;
    while !check() {
        if Instant::now() > deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(10));
    }
    true
}

// ------------------------------------------------------------- sockets

/// Connects to `addr`; every later read and write on it has the deadline.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, DEADLINE)
        .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    with_deadline(stream)
}

/// `stream` with the deadline on every read and write.
fn with_deadline(stream: TcpStream) -> TcpStream {
    stream
        .set_read_timeout(Some(DEADLINE))
        .expect("set read timeout");
    stream
        .set_write_timeout(Some(DEADLINE))
        .expect("set write timeout");
    stream
}

/// A listener on a free loopback port, for a test that plays the server.
pub fn listen() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    (listener, addr)
}

/// Accepts one connection within the deadline, with the deadline set on it.
pub fn accept(listener: &TcpListener) -> TcpStream {
    listener
        .set_nonblocking(true)
        .expect("nonblocking listener");
    let deadline = Instant::now() + DEADLINE;
    let stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("no connection within {DEADLINE:?}: {e}"),
        }
    };
    stream.set_nonblocking(false).expect("blocking stream");
    with_deadline(stream)
}

/// A loopback TCP address where nothing listens, whose port the OS will
/// not give to anyone else while the test binary runs, so a connect to it
/// is refused however many tests run beside it.
///
/// A port that was bound and freed could be given to a server of a test
/// running in parallel; a port held by a listener on another address
/// (127.0.0.2:P) does not help either: Linux gives P to a `127.0.0.1:0`
/// bind (tried). So the port is the client end of a live loopback
/// connection, kept open in [`HELD`] until the process ends: no listener
/// is on it, so a connect gets a reset ("refused"), and as a socket without
/// `SO_REUSEADDR` holds it, no bind, to a port of 0 or to that port, can
/// take it (tried on Linux: a bind to it is "address in use", and 20,000
/// binds to port 0 did not get it). macOS, as BSD does, lets a listener
/// with `SO_REUSEADDR` (std sets it on Unix) bind a port whose only user
/// is a connected socket: there the port is as likely to be taken as any
/// other, which std gives no way to prevent.
pub fn unused_addr() -> SocketAddr {
    let (listener, addr) = listen();
    let client = TcpStream::connect(addr).expect("connect to our own listener");
    let server = accept(&listener);
    let free = client.local_addr().expect("local address");
    hold(Box::new((client, server)));
    free
}

/// A loopback UDP address where nothing receives, whose port the OS will
/// not give out meanwhile, as [`unused_addr`] for UDP: the port is held by
/// a socket connected to another of ours, which takes datagrams from that
/// one only; a datagram from anyone else finds no socket, so the sender's
/// next receive is refused (tried on Linux).
pub fn unused_udp_addr() -> SocketAddr {
    let holder = UdpSocket::bind("127.0.0.1:0").expect("bind udp 127.0.0.1:0");
    let peer = UdpSocket::bind("127.0.0.1:0").expect("bind udp 127.0.0.1:0");
    holder
        .connect(peer.local_addr().expect("local address"))
        .expect("connect a udp socket");
    let free = holder.local_addr().expect("local address");
    hold(Box::new((holder, peer)));
    free
}

/// A loopback address whose port was free a moment ago (bound, then
/// freed), for a server that cannot be told port 0 and name the port it
/// got (the Python servers of the benches). Another process may take the
/// port meanwhile: where nothing may listen, use [`unused_addr`].
pub fn free_addr() -> SocketAddr {
    listen().1
}

/// Sockets that hold a port for the whole test run.
static HELD: Mutex<Vec<Box<dyn Send>>> = Mutex::new(Vec::new());

/// Keeps `sockets` open until the test binary ends.
fn hold(sockets: Box<dyn Send>) {
    HELD.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(sockets);
}

/// A listener whose backlog is full, so that a further connect gets no
/// answer at all: Linux drops the SYNs (the kernel neither accepts nor
/// refuses), as a firewall that drops packets does. Keep the returned
/// streams alive as long as the address must stay silent.
#[cfg(target_os = "linux")]
pub fn silent_addr() -> (TcpListener, Vec<TcpStream>, SocketAddr) {
    let listener = raw_listener_with_backlog_one();
    let addr = listener.local_addr().expect("local address");
    let mut queued = Vec::new();
    // With a backlog of 1, Linux queues two connections, then drops the
    // SYNs. Bounded: 64 tries of 200 ms.
    for _ in 0..64 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => return (listener, queued, addr),
            Err(e) => panic!("filling the backlog of {addr}: {e}"),
        }
    }
    panic!("the backlog of {addr} never filled");
}

/// A loopback listener with a backlog of one: std's `TcpListener::bind`
/// asks for a long queue, and Linux lets `listen()` be called again on a
/// listening socket to change it (std has no call for that: libc's).
#[cfg(target_os = "linux")]
fn raw_listener_with_backlog_one() -> TcpListener {
    use std::os::fd::AsRawFd;
    unsafe extern "C" {
        #[link_name = "listen"]
        fn c_listen(fd: i32, backlog: i32) -> i32;
    }
    let listener = listen().0;
    // SAFETY: the descriptor is the listener's own, open for its lifetime.
    let rc = unsafe { c_listen(listener.as_raw_fd(), 1) };
    assert_eq!(rc, 0, "listen(fd, 1): {}", io::Error::last_os_error());
    listener
}

/// A UDP socket on a free loopback port, reads bounded by the deadline.
pub fn udp_socket() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind udp 127.0.0.1:0");
    socket
        .set_read_timeout(Some(DEADLINE))
        .expect("set read timeout");
    socket
}

/// Reads exactly `n` bytes.
pub fn read_exactly(stream: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    if let Err(e) = stream.read_exact(&mut buf) {
        panic!("reading {n} bytes: {e}");
    }
    buf
}

/// Reads `expected.len()` bytes and checks they are `expected`.
pub fn expect_bytes(stream: &mut TcpStream, expected: &[u8]) {
    let got = read_exactly(stream, expected.len());
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(expected)
    );
    assert_eq!(got, expected);
}

/// Reads until the peer closes; fails if that takes longer than the deadline.
pub fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    if let Err(e) = stream.read_to_end(&mut all) {
        panic!(
            "reading until close (got {:?} so far): {e}",
            String::from_utf8_lossy(&all)
        );
    }
    all
}

/// Checks that the peer has closed the connection and sent nothing more.
pub fn expect_closed(stream: &mut TcpStream) {
    let rest = read_to_close(stream);
    assert!(
        rest.is_empty(),
        "expected the peer to close, got {:?}",
        String::from_utf8_lossy(&rest)
    );
}

/// Checks an error exit: `code`, and one line on stderr that starts with
/// `start` and holds every one of `parts`; no panic, no Debug dump.
pub fn assert_one_line_error(exit: &Exit, code: i32, start: &str, parts: &[&str]) {
    assert_eq!(exit.code(), code, "{exit:?}");
    let err = exit.stderr.trim_end_matches('\n');
    assert!(!err.contains('\n'), "more than one line on stderr: {err:?}");
    assert!(
        err.starts_with(start),
        "stderr {err:?} does not start with {start:?}"
    );
    for part in parts {
        assert!(err.contains(part), "stderr {err:?} lacks {part:?}");
    }
    for bad in ["panicked", "RUST_BACKTRACE", "Os {", "kind:", "Custom {"] {
        assert!(!err.contains(bad), "stderr {err:?} has {bad:?}");
    }
}

/// Is `text` Python's time.ctime() format: `Sat Nov  1 09:05:03 2026`?
pub fn is_ctime(text: &str) -> bool {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    b.len() == 24
        && WEEKDAYS.contains(&&text[0..3])
        && MONTHS.contains(&&text[4..7])
        && [3, 7, 10, 19].iter().all(|&i| b[i] == b' ')
        && (b[8] == b' ' || b[8].is_ascii_digit())
        && digits(9..10)
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && digits(20..24)
}

/// Checks that `text` is `[<ctime>] <rest>` and returns `rest`.
pub fn strip_stamp(text: &str) -> &str {
    let rest = text
        .strip_prefix('[')
        .unwrap_or_else(|| panic!("{text:?} does not start with ["));
    let (stamp, rest) = rest
        .split_at_checked(24)
        .unwrap_or_else(|| panic!("{text:?} is too short"));
    assert!(is_ctime(stamp), "{stamp:?} in {text:?} is not a ctime");
    rest.strip_prefix("] ")
        .unwrap_or_else(|| panic!("{text:?}: no `] ` after the time"))
}

/// Runs the workspace binary `name` with `input` on its stdin, then end of
/// input, and waits for it to exit.
pub fn run_with_input(name: &str, args: &[&str], input: &str) -> Exit {
    let mut proc = Proc::program(name, args);
    proc.type_in(input);
    proc.close_stdin();
    proc.wait_exit()
}

/// The lines a client that prompts `> ` showed, but its prompts. With
/// stdin piped no Enter is echoed, so the client ends each prompt's line
/// itself: its stdout is `> \n`, then what it showed for a line (nothing
/// for a line refused), line after line, and `> \n` last. Fails unless the
/// transcript starts and ends with such a prompt line.
pub fn between_prompts(stdout: &str) -> Vec<&str> {
    assert!(
        stdout.starts_with("> \n") && stdout.ends_with("> \n"),
        "not a transcript that starts and ends with a prompt line: {stdout:?}"
    );
    stdout.lines().filter(|l| *l != "> ").collect()
}

/// Runs a whole session of a two-role program: `NAME server 127.0.0.1:0`,
/// then `NAME client ADDR`, each given its typed input and then end of
/// input. Returns how the server and the client ended, and the address.
fn run_pair(name: &str, server_input: &str, client_input: &str) -> (Exit, Exit, SocketAddr) {
    let (mut server, addr) = Proc::server(&program(name), &["server", "127.0.0.1:0"]);
    server.type_in(server_input);
    server.close_stdin();
    let mut client = Proc::program(name, &["client", &addr.to_string()]);
    client.type_in(client_input);
    client.close_stdin();
    (server.wait_exit(), client.wait_exit(), addr)
}

/// The texts of a chat's `收到<who>消息: <text>` lines, in order.
pub fn received<'a>(stdout: &'a str, who: &str) -> Vec<&'a str> {
    let prefix = format!("收到{who}消息: ");
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect()
}

// ------------------------------------------------------------- hostile input

/// An argument made of raw bytes, such as `b"\xff:0"`, which is not UTF-8.
/// On Unix an argument is bytes, taken as they are. On Windows it is
/// UTF-16: the valid parts are encoded as UTF-16 and each invalid sequence
/// becomes a lone surrogate, which is not Unicode either; either way the
/// program's `to_string_lossy()` shows the same text (`\u{fffd}:0`).
#[cfg(unix)]
pub fn not_utf8(bytes: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStrExt;
    OsStr::from_bytes(bytes).to_os_string()
}

/// See the Unix [`not_utf8`].
#[cfg(windows)]
pub fn not_utf8(bytes: &[u8]) -> OsString {
    use std::os::windows::ffi::OsStringExt;
    let mut wide: Vec<u16> = Vec::new();
    for chunk in bytes.utf8_chunks() {
        wide.extend(chunk.valid().encode_utf16());
        if !chunk.invalid().is_empty() {
            wide.push(0xD800); // a lone high surrogate, shown as one U+FFFD
        }
    }
    OsString::from_wide(&wide)
}

/// What a hostile peer sends to take over a terminal: retitle it (OSC 0),
/// clear it (CSI 2J), turn the text red (CSI 31m).
pub const ESCAPES: &[u8] = b"\x1b]0;pwned\x07\x1b[2J\x1b[31m";

/// [`ESCAPES`] as a program must show it: every control character made
/// visible as `\u{..}`, nothing raw.
pub const ESCAPES_SHOWN: &str = "\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{1b}[31m";

/// Checks a usage error: exit 2, a first stderr line that starts with
/// `start` (`tcp-chat: `) and holds every one of `parts`, then the usage;
/// no panic, no Debug dump.
pub fn assert_usage_error(exit: &Exit, start: &str, parts: &[&str]) {
    assert_eq!(exit.code(), 2, "{exit:?}");
    let (first, rest) = exit.stderr.split_once('\n').unwrap_or((&exit.stderr, ""));
    assert!(
        first.starts_with(start),
        "first stderr line {first:?} does not start with {start:?}"
    );
    for part in parts {
        assert!(
            first.contains(part),
            "first stderr line {first:?} lacks {part:?}"
        );
    }
    assert!(
        rest.contains("usage:"),
        "no usage after the first line: {exit:?}"
    );
    for bad in ["panicked", "RUST_BACKTRACE", "Os {", "kind:", "Custom {"] {
        assert!(
            !exit.stderr.contains(bad),
            "stderr {:?} has {bad:?}",
            exit.stderr
        );
    }
}

impl Proc {
    /// [`Proc::wait_exit`] for a program that is due to give up by itself
    /// after `patience` (a read timeout of 10 s on a silent peer): the
    /// deadline is `patience` plus [`DEADLINE`].
    pub fn wait_exit_after(mut self, patience: Duration) -> Exit {
        // The pipes reach end of file when the process has exited, so the
        // wait needs no polling; after that `wait()` returns at once.
        let deadline = Instant::now() + patience + DEADLINE;
        let closed =
            self.stdout.wait(deadline, |_, eof| eof) && self.stderr.wait(deadline, |_, eof| eof);
        if !closed {
            self.fail(&format!("did not exit within {:?}", patience + DEADLINE));
        }
        let status = self.child.wait().expect("wait for the child");
        Exit {
            status,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }
}

/// Checks that a server whose `accept` keeps failing pauses between tries
/// instead of spinning: `path args` runs under `ulimit -n 4` (stdin,
/// stdout, stderr and the listener leave no descriptor for a client), so
/// every accept fails at once with "Too many open files". Linux fails it
/// before any client comes (it takes the descriptor first: tried); other
/// systems when one is waiting, so a client connects and stays queued.
///
/// The clock starts at the first failure seen on stderr, not before the
/// connect: the server fails from its start, before the test looks (a
/// clock started by the test counted those failures, and flaked). In the
/// second after that first failure arrived, a server that pauses 100 ms
/// logs about 10 failures; one that spins logs
/// thousands. More than [`MAX_FAILED_ACCEPTS_PER_SECOND`] fails: the
/// margin covers a first line that arrived late on a busy machine (lines
/// that come late only lower the count). Five failures in all must come,
/// so a server that gives up on the first one fails too.
#[cfg(unix)]
pub fn assert_failed_accepts_pause(path: &Path, args: &[&str]) {
    const FAILED: &str = "accept failed: Too many open files";
    let script = ["-c", r#"ulimit -n 4 && exec "$0" "$@""#];
    let args: Vec<&str> = script
        .into_iter()
        .chain(path.to_str())
        .chain(args.iter().copied())
        .collect();
    let (server, addr) = Proc::server(Path::new("/bin/sh"), &args);
    let _waiting = connect(addr);
    if !eventually(|| server.stderr_arrivals(FAILED).len() >= 5) {
        server.fail("no five failed accepts");
    }
    let first = server.stderr_arrivals(FAILED)[0];
    let window_end = first + Duration::from_secs(1);
    thread::sleep(window_end.saturating_duration_since(Instant::now()));
    let arrivals = server.stderr_arrivals(FAILED);
    let in_window = arrivals.iter().filter(|&&t| t <= window_end).count();
    assert!(
        in_window <= MAX_FAILED_ACCEPTS_PER_SECOND,
        "{in_window} failed accepts in the second after the first: no pause between them"
    );
}

/// How many failed accepts [`assert_failed_accepts_pause`] lets a server
/// log in one second: 10 with a pause of 100 ms, twice that for a margin.
pub const MAX_FAILED_ACCEPTS_PER_SECOND: usize = 20;

/// Where there is no `ulimit` (Windows), the check cannot be made: it says
/// so on stderr and passes, so that callers need no `cfg`.
#[cfg(not(unix))]
pub fn assert_failed_accepts_pause(path: &Path, _args: &[&str]) {
    let _ = writeln!(
        io::stderr(),
        "skipped: assert_failed_accepts_pause({}) needs a Unix shell's ulimit",
        path.display()
    );
}

/// `socket.recv_from(buf)`, tried again when a signal interrupts it (EINTR),
/// as `read_exact` does for streams; any other error is returned.
pub fn recv_from(socket: &UdpSocket, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    loop {
        match socket.recv_from(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

// ------------------------------------------------------------- usage

/// The name a program calls itself by: its file name (`tcp-chat`,
/// `tcp_chat_duplex`).
fn prog_name(path: &Path) -> String {
    path.file_stem()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Runs `path` with `args` (which need not be UTF-8: see [`not_utf8`]) and
/// no input, and checks the usage error word for word: exit 2, nothing on
/// stdout, and on stderr `PROG: <why>`, a blank line, then the usage
/// exactly as `PROG --help` prints it; no panic, no Debug dump.
pub fn assert_bad_usage<A: AsRef<OsStr>>(path: &Path, args: &[A], why: &str) {
    let args: Vec<&OsStr> = args.iter().map(AsRef::as_ref).collect();
    let mut proc = Proc::start_os(path, &args);
    proc.close_stdin();
    let exit = proc.wait_exit();
    let prog = prog_name(path);
    let usage = Proc::start(path, &["--help"]).wait_exit();
    assert_eq!(usage.code(), 0, "{prog} --help: {usage:?}");
    assert!(
        usage.stdout.starts_with(&format!("usage: {prog} ")),
        "{prog} --help: {usage:?}"
    );
    assert_usage_error(&exit, &format!("{prog}: {why}"), &[]);
    assert_eq!(
        exit.stderr,
        format!("{prog}: {why}\n\n{}", usage.stdout),
        "{prog} {args:?}"
    );
    assert_eq!(exit.stdout, "", "{prog} {args:?}");
}

/// Malformed ADDRs: every program says of each, after `PROG: `,
/// `bad ADDR `<it>`: expected HOST:PORT, e.g. 127.0.0.1:9999`: one
/// message for every kind of mistake, never a name lookup, never exit 1.
pub const BAD_ADDRS: [&str; 13] = [
    "127.0.0.1:99999",
    "9999",
    ":9999",
    "",
    "127.0.0.1",
    "nowhere",
    "localhost:http",
    "localhost:port",
    "localhost:x",
    "127.0.0.1:x",
    "localhost:",
    "127.0.0.1:+80",
    "127.0.0.1:-1",
];

/// What every program says of a malformed `addr`.
pub fn bad_addr_why(addr: &str) -> String {
    format!("bad ADDR `{addr}`: expected HOST:PORT, e.g. 127.0.0.1:9999")
}

/// Checks every one of [`BAD_ADDRS`] as the ADDR of `path`, after the
/// arguments `before` (a role, or nothing), with [`assert_bad_usage`].
pub fn assert_bad_addrs(path: &Path, before: &[&str]) {
    for addr in BAD_ADDRS {
        assert_bad_usage(path, &[before, &[addr]].concat(), &bad_addr_why(addr));
    }
}

/// Checks that `path args` shows the usage: exit 0, stdout starting with
/// `start` and holding every one of `parts` (the defaults), nothing on
/// stderr.
pub fn assert_help<A: AsRef<OsStr>>(path: &Path, args: &[A], start: &str, parts: &[&str]) {
    let args: Vec<&OsStr> = args.iter().map(AsRef::as_ref).collect();
    let exit = Proc::start_os(path, &args).wait_exit();
    assert_eq!(
        (exit.code(), exit.stderr.as_str()),
        (0, ""),
        "{args:?}: {exit:?}"
    );
    assert!(exit.stdout.starts_with(start), "{args:?}: {exit:?}");
    for part in parts {
        assert!(
            exit.stdout.contains(part),
            "{part:?} not in the usage: {exit:?}"
        );
    }
}

/// Checks the bad usages every two-role program answers alike (rule 1),
/// `run` being how the user starts it (`cargo run -p tcp-chat --`): no
/// role (it says how to start both sides), an unknown role, options,
/// arguments that are not UTF-8, one argument too many, and every one of
/// [`BAD_ADDRS`] for either role.
pub fn assert_two_role_bad_usages(path: &Path, run: &str) {
    let no_role = format!(
        "say which side to run: `{run} server` in one terminal, then `{run} client` in another"
    );
    assert_bad_usage(path, &[] as &[&str], &no_role);
    let cases: [(&[&[u8]], &str); 8] = [
        (
            &[b"talk"],
            "unknown role `talk`: expected `server` or `client`",
        ),
        (&[b"--bogus"], "unknown option `--bogus`"),
        (&[b"client", b"--bogus"], "unknown option `--bogus`"),
        (
            &[b"server", b"127.0.0.1:0", b"--bogus"],
            "unknown option `--bogus`",
        ),
        (
            &[b"server", b"\xff:0"],
            "argument `\u{fffd}:0` is not valid UTF-8",
        ),
        (
            &[b"\xffserver"],
            "argument `\u{fffd}server` is not valid UTF-8",
        ),
        (
            &[b"server", b"127.0.0.1:1", b"x"],
            "unexpected argument `x`",
        ),
        (
            &[b"server", b"127.0.0.1:0", b"extra"],
            "unexpected argument `extra`",
        ),
    ];
    for (args, why) in cases {
        let args: Vec<OsString> = args.iter().map(|a| not_utf8(a)).collect();
        assert_bad_usage(path, &args, why);
    }
    for role in ["server", "client"] {
        assert_bad_addrs(path, &[role]);
    }
}

// ------------------------------------------------------------- no server, busy address, port scans

/// Runs `path` with `args` and then `addr`, where no server is, typing
/// `hello` and then end of input, and checks one line on stderr, exit 1:
/// `<start> <addr>: `, the OS's words (`refused`), `is the server
/// running?` and `hint`, how to start it. Returns the exit, for its stdout.
pub fn assert_no_server(
    path: &Path,
    args: &[&str],
    addr: SocketAddr,
    start: &str,
    hint: &str,
) -> Exit {
    let addr_arg = addr.to_string();
    let mut proc = Proc::start(path, &[args, &[&addr_arg]].concat());
    proc.type_in("hello\n");
    proc.close_stdin();
    let exit = proc.wait_exit();
    assert_one_line_error(
        &exit,
        1,
        &format!("{start} {addr}: "),
        &["refused", "is the server running?", hint],
    );
    exit
}

/// Runs `path` with `args` and then `addr`, which a socket of the test
/// holds, with no input, and checks one line on stderr, exit 1: `<start>
/// <addr>: `, the OS's words, `address in use` and the hint `pass another
/// ADDR, e.g. 127.0.0.1:0`; nothing on stdout.
pub fn assert_address_in_use(path: &Path, args: &[&str], addr: SocketAddr, start: &str) {
    let addr_arg = addr.to_string();
    let mut proc = Proc::start(path, &[args, &[&addr_arg]].concat());
    proc.close_stdin();
    let exit = proc.wait_exit();
    let parts = ["address in use", "pass another ADDR, e.g. 127.0.0.1:0"];
    assert_one_line_error(&exit, 1, &format!("{start} {addr}: "), &parts);
    assert_eq!(exit.stdout, "", "{exit:?}");
}

/// Connects to `server`, listening at `addr`, and closes at once without a
/// word, as a port scan or a health check does; waits until the server
/// says on stderr that a client left without a word. Returns the address
/// the connection came from.
pub fn connect_and_leave(server: &Proc, addr: SocketAddr) -> SocketAddr {
    let scan = connect(addr);
    let scan_addr = scan.local_addr().expect("local address");
    drop(scan);
    server.wait_stderr("left without a word");
    scan_addr
}

/// [`ESCAPES`], then DEL, the C1 control U+009B (a CSI in one character
/// to some terminals), a tab, which stays, and `end`: every kind of
/// control character a peer may send, for rule 3 whole.
pub const HOSTILE: &[u8] = b"\x1b]0;pwned\x07\x1b[2J\x1b[31m\x7f\xc2\x9b\tend";

/// [`HOSTILE`] as a program must show it.
pub const HOSTILE_SHOWN: &str = "\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{1b}[31m\\u{7f}\\u{9b}\tend";

// ------------------------------------------------------------- the turn-taking chat

/// Runs a whole session of the turn-taking chat `name` (`tcp-chat` and
/// `udp-chat`: the article's one chat over TCP and over UDP) with
/// [`run_pair`] and checks that both sides exit 0. Returns how they ended,
/// the server's stdout cut to what follows its first lines: `Listening on
/// ADDR`, then for TCP `客户端已连接: ('127.0.0.1', PORT)`.
fn chat_session(name: &str, server_input: &str, client_input: &str) -> (Exit, Exit) {
    let (mut server, client, addr) = run_pair(name, server_input, client_input);
    assert_eq!(
        (server.code(), client.code()),
        (0, 0),
        "{server:?}\n{client:?}"
    );
    let listening = format!("Listening on {addr}\n");
    let mut rest = server
        .stdout
        .strip_prefix(&listening)
        .unwrap_or_else(|| panic!("{server:?}"));
    if name == "tcp-chat" {
        let connected = rest
            .strip_prefix("客户端已连接: ('127.0.0.1', ")
            .and_then(|r| r.split_once(")\n"));
        let (port, after) = connected.unwrap_or_else(|| panic!("no 客户端已连接 line: {server:?}"));
        assert!(port.parse::<u16>().is_ok(), "{server:?}");
        rest = after;
    }
    server.stdout = rest.to_string();
    (server, client)
}

/// The chat of the article: the client speaks first, then each side
/// answers in turn, until the client says `88`.
pub fn assert_chat_takes_turns_until_the_client_says_88(name: &str) {
    let (server, client) = chat_session(
        name,
        "hi there\n你好, 客户端\n",
        "hello\nhow are you?\n88\n",
    );
    assert_eq!(
        server.stdout,
        "收到客户端消息: hello\n请输入:\n收到客户端消息: how are you?\n请输入:\n收到客户端消息: 88\n"
    );
    assert_eq!(
        client.stdout,
        "请输入:\n收到服务端消息: hi there\n请输入:\n收到服务端消息: 你好, 客户端\n请输入:\n"
    );
    assert_eq!((server.stderr.as_str(), client.stderr.as_str()), ("", ""));
}

/// `88` from the server ends both sides; nothing typed after it is sent.
pub fn assert_chat_88_from_the_server_ends_both(name: &str) {
    let (server, client) = chat_session(name, "88\nnever sent\n", "hello\nnever sent\n");
    assert_eq!(server.stdout, "收到客户端消息: hello\n请输入:\n");
    assert_eq!(client.stdout, "请输入:\n收到服务端消息: 88\n");
    assert_eq!((server.stderr.as_str(), client.stderr.as_str()), ("", ""));
}

/// End of input at the client's `请输入:` says 88 for it, on a line of its
/// own: the prompt's line is ended on stdout before the notice on stderr.
pub fn assert_chat_end_of_input_at_the_client_says_88(name: &str) {
    let (server, client) = chat_session(name, "answer\n", "hello\n");
    assert_eq!(
        server.stdout,
        "收到客户端消息: hello\n请输入:\n收到客户端消息: 88\n"
    );
    assert_eq!(client.stdout, "请输入:\n收到服务端消息: answer\n请输入:\n");
    assert_eq!(
        client.stderr,
        format!("{name} client: end of input, saying 88\n")
    );
}

/// End of input at the server's `请输入:` says 88 for it, on a line of its
/// own, as at the client.
pub fn assert_chat_end_of_input_at_the_server_says_88(name: &str) {
    let (server, client) = chat_session(name, "", "hello\nnever sent\n");
    assert_eq!(server.stdout, "收到客户端消息: hello\n请输入:\n");
    assert_eq!(
        server.stderr,
        format!("{name} server: end of input, saying 88\n")
    );
    assert_eq!(client.stdout, "请输入:\n收到服务端消息: 88\n");
}

// ------------------------------------------------------------- the timestamp programs

/// An address as Python prints an address tuple: `('127.0.0.1', 40278)`.
pub fn python_tuple(addr: SocketAddr) -> String {
    format!("('{}', {})", addr.ip(), addr.port())
}

/// Ends a timestamp client, whose prompt is `> ` and which an empty line
/// ends, once it has shown `answers` answers; returns how it ended, checked
/// to be exit 0.
pub fn end_with_an_empty_line(mut client: Proc, answers: usize) -> Exit {
    client.wait_stdout("> ", answers + 1);
    client.type_in("\n");
    let exit = client.wait_exit();
    assert_eq!(exit.code(), 0, "{exit:?}");
    exit
}

// ------------------------------------------------------------- the duplex chats

/// With `server` and `client` of a duplex chat (`tcp_chat_duplex`,
/// `udp_chat_duplex`) connected, and the server's first `heard` messages
/// received already: both sides type 200 lines at once, without waiting
/// for each other, and every line arrives, in order; then end of input at
/// the client says 88, which ends both cleanly.
pub fn assert_duplex_bursts_arrive_in_order(mut server: Proc, mut client: Proc, heard: usize) {
    let from_client: Vec<String> = (0..200).map(|i| format!("client line {i}")).collect();
    let from_server: Vec<String> = (0..200).map(|i| format!("服务端 {i}")).collect();
    client.type_in(&(from_client.join("\n") + "\n"));
    server.type_in(&(from_server.join("\n") + "\n"));
    server.wait_stdout("收到客户端消息: client line 199\n", 1);
    client.wait_stdout("收到服务端消息: 服务端 199\n", 1);
    assert_eq!(received(&server.stdout(), "客户端")[heard..], from_client);
    assert_eq!(received(&client.stdout(), "服务端"), from_server);

    client.close_stdin();
    let (server, client) = both_exit_0(server, client);
    assert_eq!(received(&server.stdout, "客户端").last(), Some(&"88"));
    assert_eq!((server.stderr.as_str(), client.stderr.as_str()), ("", ""));
}

// ------------------------------------------------------------- failures made to happen

/// A library that, preloaded into a program (`LD_PRELOAD`), makes C
/// functions fail, for failures the OS gives rarely. Each of `calls` is a
/// function's Rust signature (`fsync(_: i32) -> i32`); its body sets
/// errno to `errno` and returns -1. Built with the rustc beside the cargo
/// that runs the tests, in the temporary folder under a name of its own,
/// removed when dropped; `None`, said on stderr, where that cannot be done.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn preload_failing(calls: &[&str], errno: i32) -> Option<Preload> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static BUILT: AtomicUsize = AtomicUsize::new(0);
    let mut source = String::from("unsafe extern \"C\" { fn __errno_location() -> *mut i32; }\n");
    for call in calls {
        source.push_str(&format!(
            "#[unsafe(no_mangle)]\npub extern \"C\" fn {call} {{\n    unsafe {{ *__errno_location() = {errno} }};\n    -1\n}}\n"
        ));
    }
    let n = BUILT.fetch_add(1, Ordering::Relaxed);
    let name = format!("tests-failing-{}-{n}", std::process::id());
    let rs = std::env::temp_dir().join(format!("{name}.rs"));
    let lib = Preload(std::env::temp_dir().join(format!("lib{name}.so")));
    std::fs::write(&rs, source).expect("write the library's source");
    let cargo = PathBuf::from(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    let built = Command::new(cargo.with_file_name("rustc"))
        .args(["--edition", "2024", "--crate-type", "cdylib", "-o"])
        .arg(lib.path())
        .arg(&rs)
        .status();
    let _ = std::fs::remove_file(&rs);
    match built {
        Ok(status) if status.success() => Some(lib),
        other => {
            eprintln!("skipped: cannot build a library to preload ({other:?})");
            None
        }
    }
}

/// A library built by [`preload_failing`]; dropping it removes the file.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub struct Preload(PathBuf);

#[cfg(all(target_os = "linux", target_env = "gnu"))]
impl Preload {
    pub fn path(&self) -> &Path {
        &self.0
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
impl Drop for Preload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Waits for both sides of a pair to exit and checks that both exit 0.
pub fn both_exit_0(server: Proc, client: Proc) -> (Exit, Exit) {
    let (server, client) = (server.wait_exit(), client.wait_exit());
    assert_eq!(
        (server.code(), client.code()),
        (0, 0),
        "{server:?}\n{client:?}"
    );
    (server, client)
}
