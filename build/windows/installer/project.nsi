# A 64-bit installer (PE32+) for the 64-bit application, where makensis has the amd64 stubs
# (Debian's nsis does; the Windows NSIS download does not, and then the installer is 32-bit).
!if /FileExists "${NSISDIR}\Stubs\lzma-amd64-unicode"
    Target amd64-unicode
!else
    Unicode true
!endif

####
## SealDesk's NSIS installer. Started from the template `wails build -nsis` writes on its first run
## (Wails v2.15.0) and kept under version control; `wails build` never overwrites this file. It
## regenerates "wails_tools.nsh" on every build (not versioned, see .gitignore).
##
## Built by `make package-windows` (scripts/package.sh), which runs
## `wails build -platform windows/amd64 -nsis` in a staging copy and writes "sealdesk_build.nsh"
## beside this file with the git version and, when signing is configured, the signing command.
## A plain `wails build -platform windows/amd64 -nsis` still works: it falls back to wails.json.
####
!include /NONFATAL "sealdesk_build.nsh"

## The following information is taken from the ProjectInfo file (wails.json) unless defined above.
## !define INFO_PROJECTNAME    "MyProject" # Default "{{.Name}}"
## !define INFO_COMPANYNAME    "MyCompany" # Default "{{.Info.CompanyName}}"
## !define INFO_PRODUCTNAME    "MyProduct" # Default "{{.Info.ProductName}}"
## !define INFO_PRODUCTVERSION "1.0.0"     # Default "{{.Info.ProductVersion}}"
## !define INFO_COPYRIGHT      "Copyright" # Default "{{.Info.Copyright}}"
## !define PRODUCT_EXECUTABLE  "Application.exe"      # Default "${INFO_PROJECTNAME}.exe"
## !define UNINST_KEY_NAME     "UninstKeyInRegistry"  # Default "${INFO_COMPANYNAME}${INFO_PRODUCTNAME}"
## !define REQUEST_EXECUTION_LEVEL "admin"            # Default "admin"  see also https://nsis.sourceforge.io/Docs/Chapter4.html
!include "wails_tools.nsh"

# The numeric version Windows shows in file properties must have four parts.
!ifndef SEALDESK_FILE_VERSION
    !define SEALDESK_FILE_VERSION "${INFO_PRODUCTVERSION}.0"
!endif
VIProductVersion "${SEALDESK_FILE_VERSION}"
VIFileVersion    "${SEALDESK_FILE_VERSION}"

VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Installer"
VIAddVersionKey "ProductVersion"  "${INFO_PRODUCTVERSION}"
VIAddVersionKey "FileVersion"     "${INFO_PRODUCTVERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

# Optional Authenticode signing (scripts/package-sign.sh with osslsigncode): the application is
# signed before it is packed, the uninstaller before it is embedded, the installer when written.
!ifdef SEALDESK_SIGN
    !ifdef ARG_WAILS_AMD64_BINARY
        !system '${SEALDESK_SIGN} "${ARG_WAILS_AMD64_BINARY}"' = 0
    !endif
    !ifdef ARG_WAILS_ARM64_BINARY
        !system '${SEALDESK_SIGN} "${ARG_WAILS_ARM64_BINARY}"' = 0
    !endif
    !uninstfinalize '${SEALDESK_SIGN} "%1"' = 0
    !finalize '${SEALDESK_SIGN} "%1"' = 0
!endif

# Where each user's data stays; the uninstaller says so and never touches it.
!define SEALDESK_DATA_NOTE "SealDesk's data stays in %AppData%\SealDesk of each user; keys stay in each user's Windows Credential Manager. Remove them by hand if you want them gone."

# Enable HiDPI support. https://nsis.sourceforge.io/Reference/ManifestDPIAware
ManifestDPIAware true

!include "MUI.nsh"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_FINISHPAGE_NOAUTOCLOSE # Wait on the INSTFILES page so the user can take a look into the details of the installation steps
!define MUI_UNFINISHPAGE_NOAUTOCLOSE # Likewise for the uninstaller, which lists where the data stays
!define MUI_ABORTWARNING # This will warn the user if they exit from the installer.

!insertmacro MUI_PAGE_WELCOME # Welcome to the installer page.
!insertmacro MUI_PAGE_DIRECTORY # In which folder install page.
!insertmacro MUI_PAGE_INSTFILES # Installing page.
!insertmacro MUI_PAGE_FINISH # Finished installation page.

!insertmacro MUI_UNPAGE_INSTFILES # Uninstalling page

!insertmacro MUI_LANGUAGE "English" # Set the Language of the installer

Name "${INFO_PRODUCTNAME}"
OutFile "..\..\bin\${INFO_PROJECTNAME}-${ARCH}-installer.exe" # Name of the installer's file.
!ifdef WAILS_INSTALL_SCOPE
  !if "${WAILS_INSTALL_SCOPE}" == "user"
    InstallDir "$LOCALAPPDATA\Programs\${INFO_PRODUCTNAME}"
  !else
    InstallDir "$PROGRAMFILES64\${INFO_COMPANYNAME}\${INFO_PRODUCTNAME}"
  !endif
!else
  InstallDir "$PROGRAMFILES64\${INFO_COMPANYNAME}\${INFO_PRODUCTNAME}"
!endif # Default installing folder ($PROGRAMFILES is Program Files folder).
ShowInstDetails show # This will always show the installation details.
ShowUninstDetails show

Function .onInit
   !insertmacro wails.checkArchitecture
FunctionEnd

# Installing over an older version replaces the program files only; the data
# directory (%AppData%\SealDesk) and the Credential Manager items are the user's.
Section
    !insertmacro wails.setShellContext

    !insertmacro wails.webview2runtime

    SetOutPath $INSTDIR

    !insertmacro wails.files

    CreateShortcut "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"
    CreateShortCut "$DESKTOP\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"

    !insertmacro wails.associateFiles
    !insertmacro wails.associateCustomProtocols

    !insertmacro wails.writeUninstaller
SectionEnd

# Removes only what the installer put there: no recursive delete of $INSTDIR
# (it may have been pointed at a folder holding other files), and nothing under
# the user's profile (the Wails template also removed the WebView2 folder
# "$AppData\<exe>"; SealDesk keeps it, it belongs to the user's profile too).
Section "uninstall"
    !insertmacro wails.setShellContext

    Delete "$INSTDIR\${PRODUCT_EXECUTABLE}"
    RMDir $INSTDIR

    Delete "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk"
    Delete "$DESKTOP\${INFO_PRODUCTNAME}.lnk"

    !insertmacro wails.unassociateFiles
    !insertmacro wails.unassociateCustomProtocols

    !insertmacro wails.deleteUninstaller
    RMDir $INSTDIR

    SetDetailsPrint both
    DetailPrint "${SEALDESK_DATA_NOTE}"
SectionEnd

Function un.onUninstSuccess
    MessageBox MB_OK|MB_ICONINFORMATION "${SEALDESK_DATA_NOTE}" /SD IDOK
FunctionEnd
