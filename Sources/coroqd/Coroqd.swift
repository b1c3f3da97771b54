import CoroqDaemon

/// `coroqd`: the daemon with the built-in jobs. A daemon with jobs of its own is the same call with a
/// registration (`Examples/custom-daemon`).
@main
enum Coroqd {
    static func main() async {
        await CoroqDaemonMain.main()
    }
}
