import ParsGuideCommands

ParsGuide.main(ParsGuide.normalisedArguments(Array(CommandLine.arguments.dropFirst())))
