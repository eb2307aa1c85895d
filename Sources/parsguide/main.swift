import ParsGuideCommands

ParsGuide.main()
