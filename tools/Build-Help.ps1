param([string] $DocsPath, [string] $OutputPath)
# placeholder: replaced by the MAML compiler
