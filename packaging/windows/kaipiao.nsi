; The Windows installer, kaipiao-setup.exe (make windows; NSIS, Debian package nsis).
;
;   kaipiao-setup.exe            the clerk's install, in Chinese (English on an English
;                                Windows), into Program Files
;   kaipiao-setup.exe /S         silent, for IT departments; /D=C:\Path (last) picks the folder
;   uninstall.exe [/S]           removes the program, its shortcuts and its entry in
;                                Add/Remove Programs; keeps the data folder
;                                (%LOCALAPPDATA%\Kaipiao) unless the clerk ticks "delete
;                                the data" or /REMOVEDATA is given
;
; Defines from the Makefile: VERSION (1.2.3), BINDIR (kaipiao.exe, kaipiaoctl.exe),
; OUTFILE (absolute paths: makensis works in this folder). A 64-bit installer (amd64-unicode): the program is 64-bit, and a 64-bit-only
; Wine cannot start NSIS's default 32-bit stub.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
ManifestDPIAware true

!ifndef VERSION
  !error "define VERSION, e.g. makensis -DVERSION=1.0.0"
!endif
!define PRODUCT "开票 Kaipiao"
!define PUBLISHER "Kaipiao 开票"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Kaipiao"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Kaipiao"
InstallDirRegKey HKLM "${UNINSTKEY}" "InstallLocation"
RequestExecutionLevel admin
BrandingText "${PRODUCT} ${VERSION}"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "../../assets/windows/kaipiao.ico"
!define MUI_UNICON "../../assets/windows/kaipiao.ico"
!define MUI_ABORTWARNING
; "Start Kaipiao" on the last page: through Explorer, so that the program runs as the clerk,
; not elevated like the installer (its data folder and files must be the clerk's).
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_FUNCTION StartAsUser

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

; Version and publisher in the installer's file properties (the program's own come from
; assets/windows/winres.json).
VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "© Kaipiao contributors"

LangString CloseFirst ${LANG_SIMPCHINESE} "开票程序正在运行。请先关闭它，然后再试。"
LangString CloseFirst ${LANG_ENGLISH} "Kaipiao is running. Close it first, then try again."
LangString DeleteData ${LANG_SIMPCHINESE} "是否同时删除开票数据（发票库、证书、PDF）？$\r$\n$\r$\n$LOCALAPPDATA\Kaipiao$\r$\n$\r$\n已开具的发票须依法保存：除非已另行备份，请选择“否”。"
LangString DeleteData ${LANG_ENGLISH} "Also delete the invoicing data (invoice store, certificates, PDFs)?$\r$\n$\r$\n$LOCALAPPDATA\Kaipiao$\r$\n$\r$\nIssued invoices must be kept by law: answer No unless you have a backup."

Function StartAsUser
  Exec '"$WINDIR\explorer.exe" "$INSTDIR\kaipiao.exe"'
FunctionEnd

; A running kaipiao.exe cannot be replaced or removed: ask the clerk to close it first
; (silently: give up, with an error status, and leave everything as it was).
!macro RefuseWhileRunning
  FindWindow $0 "" "${PRODUCT}"
  StrCmp $0 0 +3
    MessageBox MB_OK|MB_ICONEXCLAMATION "$(CloseFirst)" /SD IDOK
    Abort "$(CloseFirst)"
!macroend

Section "Kaipiao"
  !insertmacro RefuseWhileRunning
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${BINDIR}/kaipiao.exe"
  File "${BINDIR}/kaipiaoctl.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${PRODUCT}"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk" "$INSTDIR\kaipiao.exe"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}\卸载 ${PRODUCT}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\kaipiao.exe"

  ; Add/Remove Programs.
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\kaipiao.exe,0"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  !insertmacro RefuseWhileRunning
  SetShellVarContext all
  Delete "$INSTDIR\kaipiao.exe"
  Delete "$INSTDIR\kaipiaoctl.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}\${PRODUCT}.lnk"
  Delete "$SMPROGRAMS\${PRODUCT}\卸载 ${PRODUCT}.lnk"
  RMDir "$SMPROGRAMS\${PRODUCT}"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  DeleteRegKey HKLM "${UNINSTKEY}"

  ; The data is the clerk's (issued invoices must be kept): only on request.
  SetShellVarContext current
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  IfErrors 0 removedata
  IfFileExists "$LOCALAPPDATA\Kaipiao\*.*" 0 done
  MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(DeleteData)" /SD IDNO IDYES removedata IDNO done
removedata:
  RMDir /r "$LOCALAPPDATA\Kaipiao"
done:
SectionEnd
