import CoroqCore
import CoroqDaemon
import GreetingJobs

// coroqd with more jobs. `greetd --help` lists the same flags as coroqd; `coroq` talks to it as to coroqd.
await CoroqDaemonMain.main { jobs in
    jobs.register(Greet())
    jobs.register(SendInvoice())
    jobs.register(ThreeSteps())
    jobs.register(ShipWhenApproved())
    jobs.register(InvoiceRun())
    jobs.register(Tally())
    jobs.register(NapParent())
}
