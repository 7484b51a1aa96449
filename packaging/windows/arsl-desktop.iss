; Inno Setup 6 script: a Windows installer around the PyInstaller folder (docs/PACKAGING.md).
; NOT built or tested here (the project is built on Linux). On Windows, after
; `python packaging\build_dist.py` has made dist\arsl-desktop\:
;
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\arsl-desktop.iss
;
; -> dist\arsl-desktop-<version>-windows-amd64-setup.exe: installs the folder under Program Files
; (or the user's programs folder, when not run as administrator), adds Start-menu entries (the
; window, the self-check, the uninstaller), an optional desktop icon, and an uninstaller that
; removes every installed file. The settings, logs and data the app writes to
; %LOCALAPPDATA%\ArSL\arsl-desktop are the user's and stay.

#ifndef AppVersion
  #define AppVersion "0.1.0"  ; keep in step with pyproject.toml, or pass /DAppVersion=
#endif
#define AppName "ArSL Desktop"
#define GuiExe "arsl-desktop-gui.exe"
#define CliExe "arsl-desktop.exe"
#define Bundle "..\..\dist\arsl-desktop"

[Setup]
; AppId identifies the app for upgrades and the uninstaller: never change it
AppId={{C7DD607C-DBF1-4346-9878-9F2B674AA698}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ArSL Desktop developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=..\..\resources\icons\arsl-desktop.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=arsl-desktop-{#AppVersion}-windows-amd64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; the whole folder: both launchers and _internal\ (Python, Qt, MediaPipe, the model, resources)
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\resources\icons\arsl-desktop.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#GuiExe}"; IconFilename: "{app}\arsl-desktop.ico"
Name: "{group}\{#AppName} self-check"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" --self-check"; IconFilename: "{app}\arsl-desktop.ico"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; IconFilename: "{app}\arsl-desktop.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
