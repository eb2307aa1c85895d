import CMallocTuning
import ParsGuideCommands

let arguments = ParsGuide.normalisedArguments(Array(CommandLine.arguments.dropFirst()))
// One-shot commands keep the memory of the volumes they free (see CMallocTuning.h). The server does not, so
// its resident memory falls back after a burst of sessions; nor does `bench`, whose repeated runs in one
// process would otherwise time a warm heap no single command has (and fragment it: peak 2.5 GB against 2.0).
if !["serve", "bench"].contains(arguments.first ?? "") { _ = pg_keep_freed_memory() }
ParsGuide.main(arguments)
