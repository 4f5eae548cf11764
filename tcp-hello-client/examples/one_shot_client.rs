//! one_shot_client: the five-step TCP client of article 003
//! (【网络编程】TCP 网络应用程序开发, "TCP 客户端程序开发示例代码"; Python
//! original `gbk_client.py`). Article 002's 简单TCP案例 client is the same
//! program with other texts.
//!
//! It sends one greeting, prints the reply as raw bytes and as text, and
//! closes. Start the server first:
//!
//! ```text
//! cargo run -p tcp-hello-server --example one_shot_server   # terminal 1
//! cargo run -p tcp-hello-client --example one_shot_client   # terminal 2
//! ```
//!
//! Differences from the article: text is UTF-8, not GBK, because std has no
//! GBK codec (the `encoding_rs` crate has one); the server address defaults
//! to 127.0.0.1:8989 instead of the article's LAN address 192.168.131.62:8080.

use std::env;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

const DEFAULT_ADDR: &str = "127.0.0.1:8989";
const USAGE: &str = "usage: one_shot_client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:8989)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let addr = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [addr] => addr.as_str(),
        _ => {
            eprintln!("one_shot_client: expected [ADDR] as HOST:PORT, got `{}`\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match run(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("one_shot_client: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(addr: &str) -> io::Result<()> {
    // 1. 创建客户端套接字对象, 2. 和服务端套接字建立连接:
    // TcpStream::connect is socket() + connect() in one call.
    let mut tcp_client_socket = TcpStream::connect(addr).map_err(|e| {
        let hint = if e.kind() == io::ErrorKind::ConnectionRefused {
            "; connection refused: is the server running? start it with \
             `cargo run -p tcp-hello-server --example one_shot_server`"
        } else {
            ""
        };
        io::Error::new(e.kind(), format!("cannot connect to {addr}: {e}{hint}"))
    })?;
    // 代码执行到此,说明连接建立成功

    // 3. 发送数据: UTF-8 bytes where the article encodes "gbk".
    let send_data = "你好服务端,我是客户端小黑!".as_bytes();
    tcp_client_socket.write_all(send_data)?;

    // 4. 接收数据, at most 1024 bytes this time.
    let mut recv_data = [0; 1024];
    let n = tcp_client_socket.read(&mut recv_data)?;
    let recv_data = &recv_data[..n];
    // 返回的直接是服务端程序发送的二进制数据: printed like Python's b'...'.
    println!("b'{}'", recv_data.escape_ascii());
    // 对数据进行解码
    let recv_content = String::from_utf8_lossy(recv_data);
    println!("接收服务端的数据为: {recv_content}");

    // 5. 关闭客户端套接字
    drop(tcp_client_socket);
    Ok(())
}
