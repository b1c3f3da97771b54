/// The frame around every page: header with the navigation, the live badge, the style sheet and script.
enum Layout {
    enum Section: String, CaseIterable {
        case overview = "Overview", tasks = "Tasks", schedules = "Queues & schedules"

        var path: String {
            switch self {
            case .overview: "/"
            case .tasks: "/tasks"
            case .schedules: "/schedules"
            }
        }
    }

    static func page(title: String, section: Section?, body: String) -> String {
        let navigation = Section.allCases.map { (item) -> String in
            "<a href=\"\(item.path)\"\(item == section ? " class=\"here\"" : "")>\(item.rawValue)</a>"
        }.joined()
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title)) · coroq</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
        <body><header><span class="brand">coroq</span>\(navigation)<span class="live">connecting…</span></header>
        \(body)
        <script src="/assets/dashboard.js"></script></body></html>
        """
    }

    /// A message page (a refusal, an unknown task).
    static func message(_ title: String, _ text: String) -> String {
        page(title: title, section: nil, body: "<main><h1>\(HTML.escape(title))</h1><p class=\"error\">\(HTML.escape(text))</p></main>")
    }
}
