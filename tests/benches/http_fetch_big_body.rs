//! http-fetch saving a big body from a loopback server: wall time,
//! throughput and peak resident memory, next to curl and the article's
//! Python version when they are there. Three bodies: one framed by
//! Content-Length (1024 MiB by default), and 64 MiB in chunks of 512 bytes
//! and of 4 KiB (where the cost per chunk shows). Each tool is run `ROUNDS`
//! times per body, interleaved, and the saved file is checked byte for byte.
//!
//! ```text
//! cargo bench -p tests --bench http_fetch_big_body                    # 1024 MiB, ours and curl
//! cargo bench -p tests --bench http_fetch_big_body -- 1024 http_get.py  # and the Python version
//! ```
//!
//! `HTTP_FETCH_BEFORE=/path/to/an/older/http-fetch` adds a row for that
//! binary, to compare a change with the code before it in the same run.
//!
//! Peak memory and CPU time are the child's, as reported by `/usr/bin/time`
//! (from wait4); without it, VmHWM polled from /proc and no CPU time. On a
//! small shared machine wall times vary from run to run: look at the
//! fastest and the median, and at the CPU time, which varies less.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};
use tests::*;

const ROUNDS: usize = 5;
const PATTERN: usize = 1 << 20;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mib: u64 = args.first().and_then(|n| n.parse().ok()).unwrap_or(1024);
    let python = args.get(1).map(PathBuf::from);
    let addr = start_server(mib << 20);
    let dir = std::env::temp_dir().join(format!("http-fetch-bench-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("create the output folder");
    let out = dir.join("body.bin");
    let out_s = out.to_string_lossy().into_owned();
    let ours = program("http-fetch");
    let curl = Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let before = std::env::var_os("HTTP_FETCH_BEFORE").map(PathBuf::from);

    for (what, mib, chunk) in [
        ("Content-Length", mib, 0),
        ("512-byte chunks", mib.min(64), 512),
        ("4 KiB chunks", mib.min(64), 4096),
    ] {
        let size = mib << 20;
        let url = format!("http://{addr}/{size}/{chunk}");
        let mut tools: Vec<(&str, Vec<String>)> = vec![(
            "http-fetch",
            vec![
                ours.to_string_lossy().into_owned(),
                url.clone(),
                out_s.clone(),
            ],
        )];
        if let Some(before) = &before {
            tools.push((
                "before",
                vec![
                    before.to_string_lossy().into_owned(),
                    url.clone(),
                    out_s.clone(),
                ],
            ));
        }
        if curl {
            tools.push((
                "curl -o",
                vec![
                    "curl".into(),
                    "-s".into(),
                    "-o".into(),
                    out_s.clone(),
                    url.clone(),
                ],
            ));
        }
        if let (Some(script), 0) = (&python, chunk) {
            // The article's version sends `GET /`, so the server answers it with the Content-Length body.
            let script = script.to_string_lossy().into_owned();
            tools.push((
                "http_get.py",
                vec!["python3".into(), script, addr.to_string(), out_s.clone()],
            ));
        }

        println!("body: {mib} MiB, {what}, from 127.0.0.1; {ROUNDS} rounds");
        let mut results: Vec<Vec<Run>> = vec![Vec::new(); tools.len()];
        for _ in 0..ROUNDS {
            for (i, (name, argv)) in tools.iter().enumerate() {
                let run = measure(argv);
                check_body(&out, size).unwrap_or_else(|e| panic!("{name}: saved body wrong: {e}"));
                fs::remove_file(&out).expect("remove the body");
                results[i].push(run);
            }
        }
        for ((name, _), mut runs) in tools.iter().zip(results) {
            runs.sort_by_key(|r| r.wall);
            let (fastest, median) = (
                runs[0].wall.as_secs_f64(),
                runs[runs.len() / 2].wall.as_secs_f64(),
            );
            let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0);
            let cpu = runs.iter().map(|r| r.cpu).min().unwrap_or_default();
            println!(
                "  {name:12} wall fastest {fastest:.3} s ({:.0} MiB/s), median {median:.3} s ({:.0} MiB/s); \
                 CPU (user+sys) least {:.3} s; peak RSS {:.1} MiB",
                mib as f64 / fastest,
                mib as f64 / median,
                cpu.as_secs_f64(),
                peak as f64 / 1024.0
            );
        }
    }
    let _ = fs::remove_dir_all(&dir);
}

#[derive(Clone)]
struct Run {
    wall: Duration,
    cpu: Duration,
    peak_kib: u64,
}

/// Runs `argv` to completion: its wall time, CPU time and peak resident memory.
fn measure(argv: &[String]) -> Run {
    let timed = Path::new("/usr/bin/time").exists();
    let mut cmd = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M %U %S"]).args(argv);
        c
    } else {
        let mut c = Command::new(&argv[0]);
        c.args(&argv[1..]);
        c
    };
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the fetcher");
    let mut polled = 0;
    if !timed {
        while child.try_wait().expect("wait").is_none() {
            polled = polled.max(vm_hwm(child.id()));
            thread::sleep(Duration::from_millis(5));
        }
    }
    let output = child.wait_with_output().expect("wait for the fetcher");
    let wall = start.elapsed();
    assert!(
        output.status.success(),
        "{argv:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last: Vec<f64> = stderr
        .lines()
        .last()
        .unwrap_or_default()
        .split(' ')
        .flat_map(str::parse)
        .collect();
    match last[..] {
        [peak, user, sys] if timed => Run {
            wall,
            cpu: Duration::from_secs_f64(user + sys),
            peak_kib: peak as u64,
        },
        _ => Run {
            wall,
            cpu: Duration::ZERO,
            peak_kib: polled,
        },
    }
}

fn vm_hwm(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or_default();
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn pattern() -> Vec<u8> {
    (0..PATTERN).map(|i| (i % 251) as u8).collect()
}

/// Serves the pattern to every connection: `GET /SIZE/0` as SIZE bytes with
/// Content-Length, `GET /SIZE/CHUNK` as SIZE bytes in chunks of CHUNK
/// bytes, and `GET /` (the article's request) as `default` bytes with Content-Length.
fn start_server(default: u64) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || {
                let _ = serve(stream, default);
            });
        }
    });
    addr
}

fn serve(stream: TcpStream, default: u64) -> std::io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split(' ').nth(1).unwrap_or("/").to_string();
    let mut numbers = path.split('/').filter_map(|n| n.parse::<u64>().ok());
    let (size, chunk) = (
        numbers.next().unwrap_or(default),
        numbers.next().unwrap_or(0) as usize,
    );
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut w = &stream;
    let pattern = pattern();
    let framing = if chunk == 0 {
        format!("Content-Length: {size}")
    } else {
        "Transfer-Encoding: chunked".into()
    };
    write!(
        w,
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n{framing}\r\n\r\n"
    )?;
    // One pattern's worth of body, framed: SIZE is a multiple of the pattern
    // and the pattern of the chunk size.
    let framed: Vec<u8> = if chunk == 0 {
        pattern
    } else {
        pattern
            .chunks(chunk)
            .flat_map(|c| [format!("{:x}\r\n", c.len()).as_bytes(), c, b"\r\n"].concat())
            .collect()
    };
    for _ in 0..size / PATTERN as u64 {
        w.write_all(&framed)?;
    }
    if chunk != 0 {
        w.write_all(b"0\r\n\r\n")?;
    }
    Ok(())
}

fn check_body(path: &Path, size: u64) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let pattern = pattern();
    let mut buf = vec![0; PATTERN];
    let mut seen = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        // Reads may not align with the pattern's period; compare by offset.
        for (i, &b) in buf[..n].iter().enumerate() {
            if b != pattern[((seen + i as u64) % PATTERN as u64) as usize] {
                return Err(format!("byte {} differs", seen + i as u64));
            }
        }
        seen += n as u64;
    }
    if seen == size {
        Ok(())
    } else {
        Err(format!("{seen} bytes, not {size}"))
    }
}
