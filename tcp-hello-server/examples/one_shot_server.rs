//! one_shot_server: the seven-step TCP server of article 003
//! (【网络编程】TCP 网络应用程序开发, "TCP 服务端程序开发示例代码"; Python
//! original `gbk_server.py`). Article 002's 简单TCP案例 server is the same
//! program with other texts.
//!
//! It accepts one client, prints its address and what it sent, answers
//! `ok, 问题正在处理中...` and closes. Run it, then the client:
//!
//! ```text
//! cargo run -p tcp-hello-server --example one_shot_server   # terminal 1
//! cargo run -p tcp-hello-client --example one_shot_client   # terminal 2
//! ```
//!
//! Differences from the article: text is UTF-8, not GBK, because std has no
//! GBK codec (the `encoding_rs` crate has one); the default address is
//! 127.0.0.1:8989, not every interface; the first line printed is the bound
//! address; the client's address prints as `IP:PORT`, not as a Python tuple.

use std::env;
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::process::ExitCode;

const DEFAULT_ADDR: &str = "127.0.0.1:8989";
const USAGE: &str = "usage: one_shot_server [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:8989)";

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
            eprintln!("one_shot_server: expected [ADDR] as HOST:PORT, got `{}`\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match run(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("one_shot_server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(addr: &str) -> io::Result<()> {
    // 1. 创建服务端端套接字对象, 2. 绑定端口号, 3. 设置监听:
    // TcpListener::bind is socket() + bind() + listen() in one call.
    //
    // 设置端口号复用 (SO_REUSEADDR): after a server with connections exits,
    // its port lingers in TIME_WAIT for a minute or two, and without
    // SO_REUSEADDR a restarted server cannot bind it. std sets SO_REUSEADDR
    // itself on Unix before bind(), so the article's setsockopt() line needs
    // no counterpart here (std exposes no setsockopt; the socket2 crate does).
    let tcp_server_socket = TcpListener::bind(addr).map_err(|e| {
        let hint =
            if e.kind() == io::ErrorKind::AddrInUse { "; address in use: pass another ADDR" } else { "" };
        io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}{hint}"))
    })?;
    println!("Listening on {}", tcp_server_socket.local_addr()?);

    // 4. 等待接受客户端的连接请求: blocks until a client has connected.
    // The listening socket only accepts; talking goes through the new one.
    let (mut service_client_socket, ip_port) = tcp_server_socket.accept()?;
    println!("客户端的ip地址和端口号: {ip_port}");

    // 5. 接收数据, at most 1024 bytes this time.
    let mut recv_data = [0; 1024];
    let recv_data_length = service_client_socket.read(&mut recv_data)?;
    println!("接收数据的长度为: {recv_data_length}");
    // 对二进制数据进行解码: UTF-8 where the article says "gbk".
    let recv_content = String::from_utf8_lossy(&recv_data[..recv_data_length]);
    println!("接收客户端的数据为: {recv_content}");

    // 6. 发送数据: write_all, like sendall(), sends every byte.
    let send_data = "ok, 问题正在处理中...".as_bytes();
    service_client_socket.write_all(send_data)?;

    // 7. 关闭套接字: first the one that served the client, then the listener.
    drop(service_client_socket);
    drop(tcp_server_socket);
    Ok(())
}
