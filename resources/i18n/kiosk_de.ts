<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ActivatingPage</name>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Activating your SIM</source>
        <translation>Ihre SIM wird aktiviert</translation>
    </message>
    <message>
        <source>Please stay here. This usually takes under a minute.</source>
        <translation>Bitte bleiben Sie hier. Das dauert meist weniger als eine Minute.</translation>
    </message>
    <message>
        <source>Placing your order…</source>
        <translation>Ihre Bestellung wird aufgegeben…</translation>
    </message>
    <message>
        <source>Setting up your plan…</source>
        <translation>Ihr Tarif wird eingerichtet…</translation>
    </message>
    <message>
        <source>Plan set up</source>
        <translation>Tarif eingerichtet</translation>
    </message>
    <message>
        <source>Assigning your SIM…</source>
        <translation>Ihre SIM wird zugeordnet…</translation>
    </message>
    <message>
        <source>SIM assigned</source>
        <translation>SIM zugeordnet</translation>
    </message>
    <message>
        <source>The network is activating your SIM…</source>
        <translation>Das Netz schaltet Ihre SIM frei…</translation>
    </message>
    <message>
        <source>SIM active</source>
        <translation>SIM aktiv</translation>
    </message>
    <message>
        <source>Sending your order to the network…</source>
        <translation>Ihre Bestellung wird an das Netz gesendet…</translation>
    </message>
    <message>
        <source>Your order is placed. Your plan is being set up…</source>
        <translation>Ihre Bestellung ist aufgegeben. Ihr Tarif wird eingerichtet…</translation>
    </message>
    <message>
        <source>Your plan is set up. A SIM is being assigned to it…</source>
        <translation>Ihr Tarif ist eingerichtet. Ihm wird eine SIM zugeordnet…</translation>
    </message>
    <message>
        <source>Your SIM is assigned. The network is switching it on…</source>
        <translation>Ihre SIM ist zugeordnet. Das Netz schaltet sie frei…</translation>
    </message>
    <message>
        <source>Done. Your SIM is active.</source>
        <translation>Fertig. Ihre SIM ist aktiv.</translation>
    </message>
    <message>
        <source>Time so far: %1 s</source>
        <translation>Bisher: %1 s</translation>
    </message>
    <message>
        <source>Order placed</source>
        <translation>Bestellung aufgegeben</translation>
    </message>
</context>
<context>
    <name>ActivationsTab</name>
    <message>
        <source>Reference</source>
        <translation>Vorgangsnummer</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <source>SIM</source>
        <translation>SIM</translation>
    </message>
    <message>
        <source>Order / subscription</source>
        <translation>Bestellung / Vertrag</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Resume pending</source>
        <translation>Offene fortsetzen</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <source>Resuming %1 activation(s)</source>
        <translation>%1 Aktivierung(en) werden fortgesetzt</translation>
    </message>
    <message>
        <source>Exported %1 activation(s) to %2</source>
        <translation>%1 Aktivierung(en) exportiert nach %2</translation>
    </message>
</context>
<context>
    <name>Connection</name>
    <message>
        <source>Nothing sent, the key stays here: %1</source>
        <extracomment>The (possibly unsaved) settings on the settings tabs, and the API key to use with them.</extracomment>
        <translation>Nichts gesendet, der Schlüssel bleibt hier: %1</translation>
    </message>
    <message>
        <source>Connected: %1 plans on sale (%2 ms)</source>
        <translation>Verbunden: %1 Tarife im Angebot (%2 ms)</translation>
    </message>
    <message>
        <source>Kiosk token rejected (401): revoked? Join the fleet again</source>
        <translation>Kiosk-Token abgelehnt (401): widerrufen? Treten Sie der Flotte erneut bei</translation>
    </message>
    <message>
        <source>API key rejected (401)</source>
        <translation>API-Schlüssel abgelehnt (401)</translation>
    </message>
    <message>
        <source>Cannot use the API: %1</source>
        <translation>Die API ist nicht nutzbar: %1</translation>
    </message>
</context>
<context>
    <name>CountdownOverlay</name>
    <message>
        <source>I&apos;m still here</source>
        <translation>Ich bin noch da</translation>
    </message>
    <message>
        <source>Are you still there?
Starting over in %1 s to protect your details.</source>
        <translation>Sind Sie noch da?
Zum Schutz Ihrer Daten beginnen wir in %1 s von vorn.</translation>
    </message>
</context>
<context>
    <name>CustomerPage</name>
    <message>
        <source>This plan needs your full name and home address.</source>
        <translation>Dieser Tarif braucht Ihren vollständigen Namen und Ihre Wohnadresse.</translation>
    </message>
    <message>
        <source>This plan needs your full name.</source>
        <translation>Dieser Tarif braucht Ihren vollständigen Namen.</translation>
    </message>
    <message>
        <source>Email</source>
        <extracomment>Where the full form does not fit the page&apos;s area (a keyboard docked under it, a low screen) it goes short: no subtitle, the buttons beside the title, labels beside their fields, 48 px fields, and one error message at a time (the focused field&apos;s).</extracomment>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Vor- und Nachname</translation>
    </message>
    <message>
        <source>Street and number</source>
        <translation>Straße und Hausnummer</translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation>Postleitzahl</translation>
    </message>
    <message>
        <source>Town or city</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Country (e.g. DE)</source>
        <translation>Land (z. B. DE)</translation>
    </message>
    <message>
        <source>Your details</source>
        <translation>Ihre Angaben</translation>
    </message>
    <message>
        <source>Your address</source>
        <translation>Ihre Adresse</translation>
    </message>
    <message>
        <source>We send your receipt and SIM details to your email.</source>
        <translation>Beleg und SIM-Angaben schicken wir an Ihre E-Mail-Adresse.</translation>
    </message>
    <message>
        <source>This plan needs your home address.</source>
        <translation>Für diesen Tarif brauchen wir Ihre Wohnadresse.</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
</context>
<context>
    <name>DevicePage</name>
    <message>
        <source>Its plans need details this kiosk cannot take.</source>
        <translation>Seine Tarife brauchen Angaben, die dieser Kiosk nicht aufnehmen kann.</translation>
    </message>
    <message>
        <source>Its activation is being finished.</source>
        <translation>Ihre Aktivierung wird gerade abgeschlossen.</translation>
    </message>
    <message>
        <source>This SIM already has a plan</source>
        <translation>Diese SIM hat bereits einen Tarif</translation>
    </message>
    <message>
        <source>Active since %1</source>
        <translation>Aktiv seit %1</translation>
    </message>
    <message>
        <source>For its eSIM code or any change, please ask a member of staff.</source>
        <translation>Für den eSIM-Code oder eine Änderung fragen Sie bitte unser Personal.</translation>
    </message>
    <message>
        <source>It already has a plan.</source>
        <translation>Sie hat bereits einen Tarif.</translation>
    </message>
    <message>
        <source>Ordered on %1</source>
        <translation>Bestellt am %1</translation>
    </message>
    <message>
        <source>Plan: %1</source>
        <translation>Tarif: %1</translation>
    </message>
    <message>
        <source>This SIM is already active</source>
        <translation>Diese SIM ist bereits aktiv</translation>
    </message>
    <message>
        <source>This SIM is being activated</source>
        <translation>Diese SIM wird gerade aktiviert</translation>
    </message>
    <message>
        <source>Scan another phone</source>
        <translation>Anderes Telefon scannen</translation>
    </message>
    <message>
        <source>We found your tablet</source>
        <translation>Wir haben Ihr Tablet gefunden</translation>
    </message>
    <message>
        <source>Scan another device</source>
        <translation>Anderes Gerät scannen</translation>
    </message>
    <message>
        <source>A new eSIM will be created for this tablet.</source>
        <translation>Für dieses Tablet wird eine neue eSIM angelegt.</translation>
    </message>
    <message>
        <source>This tablet is not registered here</source>
        <translation>Dieses Tablet ist hier nicht registriert</translation>
    </message>
    <message>
        <source>This tablet cannot be activated here</source>
        <translation>Dieses Tablet kann hier nicht aktiviert werden</translation>
    </message>
    <message>
        <source>We found your watch</source>
        <translation>Wir haben Ihre Smartwatch gefunden</translation>
    </message>
    <message>
        <source>A new eSIM will be created for this watch.</source>
        <translation>Für diese Smartwatch wird eine neue eSIM angelegt.</translation>
    </message>
    <message>
        <source>This watch is not registered here</source>
        <translation>Diese Smartwatch ist hier nicht registriert</translation>
    </message>
    <message>
        <source>This watch cannot be activated here</source>
        <translation>Diese Smartwatch kann hier nicht aktiviert werden</translation>
    </message>
    <message>
        <source>We found your device</source>
        <translation>Wir haben Ihr Gerät gefunden</translation>
    </message>
    <message>
        <source>A new eSIM will be created for this device.</source>
        <translation>Für dieses Gerät wird eine neue eSIM angelegt.</translation>
    </message>
    <message>
        <source>This device is not registered here</source>
        <translation>Dieses Gerät ist hier nicht registriert</translation>
    </message>
    <message>
        <source>This device cannot be activated here</source>
        <translation>Dieses Gerät kann hier nicht aktiviert werden</translation>
    </message>
    <message>
        <source>Smartwatch</source>
        <translation>Smartwatch</translation>
    </message>
    <message>
        <source>Tablet</source>
        <translation>Tablet</translation>
    </message>
    <message>
        <source>Mobile phone</source>
        <translation>Handy</translation>
    </message>
    <message>
        <source>Smartphone</source>
        <translation>Smartphone</translation>
    </message>
    <message>
        <source>made for you now</source>
        <translation>wird jetzt für Sie angelegt</translation>
    </message>
    <message>
        <source>Activate: %1</source>
        <translation>Aktivieren: %1</translation>
    </message>
    <message>
        <source>We found your phone</source>
        <extracomment>The customer chose which SIM to activate (`SimChoice.ref`: a SIM id, or &quot;auto&quot;).</extracomment>
        <translation>Wir haben Ihr Telefon gefunden</translation>
    </message>
    <message>
        <source>A new eSIM will be created for this phone.</source>
        <translation>Für dieses Telefon wird eine neue eSIM angelegt.</translation>
    </message>
    <message>
        <source>eSIM</source>
        <translation>eSIM</translation>
    </message>
    <message>
        <source>SIM card</source>
        <translation>SIM-Karte</translation>
    </message>
    <message>
        <source>Choose a plan</source>
        <translation>Tarif wählen</translation>
    </message>
    <message>
        <source>Nothing new will be ordered.</source>
        <translation>Es wird nichts neu bestellt.</translation>
    </message>
    <message>
        <source>Show its status</source>
        <translation>Status anzeigen</translation>
    </message>
    <message>
        <source>This phone is not registered here</source>
        <translation>Dieses Telefon ist hier nicht registriert</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>New eSIM</source>
        <translation>Neue eSIM</translation>
    </message>
    <message>
        <source>Which SIM do you want to activate?</source>
        <translation>Welche SIM möchten Sie aktivieren?</translation>
    </message>
    <message>
        <source>To activate: %1</source>
        <translation>Zu aktivieren: %1</translation>
    </message>
    <message>
        <source>Please ask a member of staff to help you.</source>
        <translation>Bitte wenden Sie sich an unsere Mitarbeiter.</translation>
    </message>
    <message>
        <source>It supports eSIM: staff can register it.</source>
        <translation>Es unterstützt eSIM: Unsere Mitarbeiter können es registrieren.</translation>
    </message>
    <message>
        <source>It has no eSIM, so it needs a SIM card from staff.</source>
        <translation>Es hat keine eSIM und braucht eine SIM-Karte von unseren Mitarbeitern.</translation>
    </message>
    <message>
        <source>We do not know this phone model.</source>
        <translation>Dieses Telefonmodell kennen wir nicht.</translation>
    </message>
    <message>
        <source>This phone cannot be activated here</source>
        <translation>Dieses Telefon kann hier nicht aktiviert werden</translation>
    </message>
    <message>
        <source>It has no SIM and does not support eSIM.</source>
        <translation>Es hat keine SIM und unterstützt keine eSIM.</translation>
    </message>
    <message>
        <source>Its SIM can no longer be used.</source>
        <translation>Seine SIM kann nicht mehr verwendet werden.</translation>
    </message>
    <message>
        <source>There is no plan for this SIM right now.</source>
        <translation>Für diese SIM gibt es derzeit keinen Tarif.</translation>
    </message>
</context>
<context>
    <name>DiagnosticsTab</name>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Make a support bundle</source>
        <translation>Support-Paket erstellen</translation>
    </message>
    <message>
        <source>%1 KiB, %2 unfinished</source>
        <translation>%1 KiB, %2 unerledigt</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Journal</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Screen lag</source>
        <translation>Verzögerung der Anzeige</translation>
    </message>
    <message>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <source>Support bundle written to %1</source>
        <translation>Support-Paket gespeichert unter %1</translation>
    </message>
</context>
<context>
    <name>ErrorPage</name>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Sorry, something went wrong</source>
        <translation>Entschuldigung, da ist etwas schiefgegangen</translation>
    </message>
    <message>
        <source>Start again</source>
        <translation>Neu beginnen</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>ExportChooser</name>
    <message>
        <source>Where should the file go?</source>
        <extracomment>(folder) -&gt; the written file; raises ExportError. What an export writes is the caller&apos;s.</extracomment>
        <translation>Wohin soll die Datei?</translation>
    </message>
    <message>
        <source>Another folder…</source>
        <translation>Anderer Ordner…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Places to save to</source>
        <translation>Speicherorte</translation>
    </message>
    <message>
        <source>No USB stick found: plug one in and tap Export again, or choose a folder.</source>
        <translation>Kein USB-Stick gefunden: Stecken Sie einen ein und tippen Sie erneut auf Exportieren, oder wählen Sie einen Ordner.</translation>
    </message>
    <message>
        <source>USB stick %1</source>
        <translation>USB-Stick %1</translation>
    </message>
    <message>
        <source>This computer: %1</source>
        <translation>Dieser Computer: %1</translation>
    </message>
    <message>
        <source>%1 free</source>
        <translation>%1 frei</translation>
    </message>
    <message>
        <source>✘ cannot be written to</source>
        <translation>✘ nicht beschreibbar</translation>
    </message>
    <message>
        <source>Choose a folder for the export</source>
        <translation>Ordner für den Export wählen</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>der Datenträger ist voll</translation>
    </message>
    <message>
        <source>this folder cannot be written to</source>
        <translation>dieser Ordner ist nicht beschreibbar</translation>
    </message>
    <message>
        <source>the folder is gone (was the stick pulled out?)</source>
        <translation>der Ordner ist weg (wurde der Stick abgezogen?)</translation>
    </message>
    <message>
        <source>the file could not be written</source>
        <translation>die Datei konnte nicht geschrieben werden</translation>
    </message>
    <message>
        <source>✘ Not exported to %1: %2. Nothing is lost: choose another place.</source>
        <translation>✘ Nicht nach %1 exportiert: %2. Nichts ist verloren: Wählen Sie einen anderen Ort.</translation>
    </message>
</context>
<context>
    <name>FleetJoin</name>
    <message>
        <source>Not joined, nothing sent: type the gateway&apos;s URL in API URL (https://, or http:// to this machine)</source>
        <translation>Nicht beigetreten, nichts gesendet: Geben Sie die URL des Gateways unter API-URL ein (https:// oder http:// zu diesem Gerät)</translation>
    </message>
    <message>
        <source>Not joined: an enrolment code is 3 groups of 4 letters and digits, e.g. 7K3M-Q9TX-2HPW</source>
        <translation>Nicht beigetreten: Ein Anmeldecode besteht aus 3 Gruppen zu 4 Buchstaben und Ziffern, z. B. 7K3M-Q9TX-2HPW</translation>
    </message>
    <message>
        <source>Not joined: the gateway refused the code (wrong, used or expired; or too many tries)</source>
        <translation>Nicht beigetreten: Das Gateway hat den Code abgelehnt (falsch, schon benutzt oder abgelaufen; oder zu viele Versuche)</translation>
    </message>
    <message>
        <source>Not joined: the gateway cannot be reached at this URL</source>
        <translation>Nicht beigetreten: Das Gateway ist unter dieser URL nicht erreichbar</translation>
    </message>
    <message>
        <source>Not joined: this URL answers, but not as a fleet gateway</source>
        <translation>Nicht beigetreten: Diese URL antwortet, aber nicht als Flotten-Gateway</translation>
    </message>
    <message>
        <source>Not joined: %1</source>
        <translation>Nicht beigetreten: %1</translation>
    </message>
    <message>
        <source>Not joined: the configuration cannot be written (%1)</source>
        <translation>Nicht beigetreten: Die Konfiguration kann nicht geschrieben werden (%1)</translation>
    </message>
    <message>
        <source>✔ Joined the fleet as %1 (store %2). Restart the kiosk to use the gateway.</source>
        <translation>✔ Der Flotte beigetreten als %1 (Filiale %2). Starten Sie den Kiosk neu, um das Gateway zu nutzen.</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>Unlimited data</source>
        <translation>Unbegrenzte Daten</translation>
    </message>
    <message>
        <source>No data</source>
        <translation>Keine Daten</translation>
    </message>
    <message>
        <source>Unlimited calls</source>
        <translation>Unbegrenzt telefonieren</translation>
    </message>
    <message>
        <source>No calls</source>
        <translation>Keine Anrufe</translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation>%1 Minuten</translation>
    </message>
    <message>
        <source>Unlimited texts</source>
        <translation>Unbegrenzt SMS</translation>
    </message>
    <message>
        <source>No texts</source>
        <translation>Keine SMS</translation>
    </message>
    <message>
        <source>%1 texts</source>
        <translation>%1 SMS</translation>
    </message>
    <message>
        <source>Unlimited data, calls and texts</source>
        <translation>Daten, Anrufe und SMS unbegrenzt</translation>
    </message>
    <message>
        <source>%1, data only</source>
        <translation>%1, nur Daten</translation>
    </message>
    <message>
        <source>%1 · unlimited calls and texts</source>
        <translation>%1 · Anrufe und SMS unbegrenzt</translation>
    </message>
    <message>
        <source>%1 a month</source>
        <translation>%1 im Monat</translation>
    </message>
    <message numerus="yes">
        <source>%1 every %n months</source>
        <translation>
            <numerusform>%1 jeden Monat</numerusform>
            <numerusform>%1 alle %n Monate</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 every %n days</source>
        <translation>
            <numerusform>%1 jeden Tag</numerusform>
            <numerusform>%1 alle %n Tage</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 for %n months</source>
        <translation>
            <numerusform>%1 für %n Monat</numerusform>
            <numerusform>%1 für %n Monate</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 for %n days</source>
        <translation>
            <numerusform>%1 für %n Tag</numerusform>
            <numerusform>%1 für %n Tage</numerusform>
        </translation>
    </message>
    <message>
        <source>One-off: does not renew</source>
        <translation>Einmalig: verlängert sich nicht</translation>
    </message>
    <message>
        <source>Renews every month until you cancel</source>
        <translation>Verlängert sich jeden Monat, bis Sie kündigen</translation>
    </message>
    <message numerus="yes">
        <source>Renews every %n months until you cancel</source>
        <translation>
            <numerusform>Verlängert sich jeden Monat, bis Sie kündigen</numerusform>
            <numerusform>Verlängert sich alle %n Monate, bis Sie kündigen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Renews every %n days until you cancel</source>
        <translation>
            <numerusform>Verlängert sich jeden Tag, bis Sie kündigen</numerusform>
            <numerusform>Verlängert sich alle %n Tage, bis Sie kündigen</numerusform>
        </translation>
    </message>
    <message>
        <source>Renews until you cancel</source>
        <translation>Verlängert sich, bis Sie kündigen</translation>
    </message>
    <message numerus="yes">
        <source>minimum %n months</source>
        <translation>
            <numerusform>mindestens %n Monat</numerusform>
            <numerusform>mindestens %n Monate</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>minimum %n days</source>
        <translation>
            <numerusform>mindestens %n Tag</numerusform>
            <numerusform>mindestens %n Tage</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>minimum %n periods</source>
        <translation>
            <numerusform>mindestens %n Laufzeit</numerusform>
            <numerusform>mindestens %n Laufzeiten</numerusform>
        </translation>
    </message>
    <message>
        <source>starts when you first use it</source>
        <translation>beginnt mit der ersten Nutzung</translation>
    </message>
    <message>
        <source>starts when it is activated</source>
        <translation>beginnt mit der Aktivierung</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>SIM kiosk</source>
        <translation>SIM-Kiosk</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>Scannen</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Tarif</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Angaben</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Change language</source>
        <translation>Sprache wechseln</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <source>IMEI check</source>
        <translation>IMEI-Prüfung</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Check the IMEI</source>
        <translation>IMEI prüfen</translation>
    </message>
    <message>
        <source>The last digit is a check digit: with these first 14 digits it should be %1. Please check each digit.</source>
        <translation>Die letzte Ziffer ist eine Prüfziffer: Zu diesen ersten 14 Ziffern gehört eine %1. Bitte prüfen Sie jede Ziffer.</translation>
    </message>
    <message>
        <source>An IMEI has 15 digits. Dial *#06# on the phone to see it.</source>
        <translation>Eine IMEI hat 15 Ziffern. Wählen Sie *#06# auf dem Telefon, um sie zu sehen.</translation>
    </message>
    <message>
        <source>Please type the 15 digits of the IMEI.</source>
        <translation>Bitte geben Sie die 15 Ziffern der IMEI ein.</translation>
    </message>
    <message>
        <source>An IMEI has digits only.</source>
        <translation>Eine IMEI besteht nur aus Ziffern.</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>SIM kiosk</source>
        <translation>SIM-Kiosk</translation>
    </message>
    <message>
        <source>Looking up your phone…</source>
        <translation>Wir suchen Ihr Telefon…</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Please check it and try again.</source>
        <translation>Bitte prüfen Sie sie und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The order expired before it was paid. Nothing was charged.</source>
        <translation>Die Bestellung ist abgelaufen, bevor sie bezahlt wurde. Es wurde nichts berechnet.</translation>
    </message>
    <message>
        <source>The payment needs a confirmation this kiosk cannot give.</source>
        <translation>Die Zahlung braucht eine Bestätigung, die dieser Kiosk nicht geben kann.</translation>
    </message>
    <message>
        <source>This SIM already has a plan, so nothing was ordered.</source>
        <translation>Diese SIM hat bereits einen Tarif, daher wurde nichts bestellt.</translation>
    </message>
    <message>
        <source>We could not verify this address. Please check it.</source>
        <translation>Wir konnten diese Adresse nicht bestätigen. Bitte prüfen Sie sie.</translation>
    </message>
    <message>
        <source>We could not verify this address.</source>
        <translation>Wir konnten diese Adresse nicht bestätigen.</translation>
    </message>
    <message>
        <source>Your order went through, but the kiosk could not save it.</source>
        <translation>Ihre Bestellung ist eingegangen, aber der Kiosk konnte sie nicht speichern.</translation>
    </message>
    <message>
        <source>Please ask a member of staff and show them this screen.</source>
        <translation>Bitte wenden Sie sich an unser Personal und zeigen Sie diesen Bildschirm.</translation>
    </message>
    <message>
        <source>Please ask a member of staff and show them your reference.</source>
        <translation>Bitte wenden Sie sich an unser Personal und zeigen Sie Ihre Referenz.</translation>
    </message>
    <message>
        <source>Please start again.</source>
        <translation>Bitte beginnen Sie von vorn.</translation>
    </message>
    <message>
        <source>The activation service no longer knows this activation.</source>
        <translation>Der Aktivierungsdienst kennt diese Aktivierung nicht mehr.</translation>
    </message>
    <message>
        <source>The kiosk cannot save its records right now, so it placed no order.</source>
        <translation>Der Kiosk kann gerade nichts speichern und hat deshalb nichts bestellt.</translation>
    </message>
    <message>
        <source>This order was not placed.</source>
        <translation>Diese Bestellung wurde nicht aufgegeben.</translation>
    </message>
    <message>
        <source>We could not confirm your order yet. You have not been charged twice.</source>
        <translation>Wir konnten Ihre Bestellung noch nicht bestätigen. Es wurde nichts doppelt berechnet.</translation>
    </message>
    <message>
        <source>That is not a valid IMEI.</source>
        <translation>Das ist keine gültige IMEI.</translation>
    </message>
    <message>
        <source>Check the number and try again.</source>
        <translation>Bitte prüfen Sie die Nummer und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>This phone is not registered for activation here.</source>
        <translation>Dieses Telefon ist hier nicht zur Aktivierung registriert.</translation>
    </message>
    <message>
        <source>Please ask a member of staff.</source>
        <translation>Bitte wenden Sie sich an unsere Mitarbeiter.</translation>
    </message>
    <message>
        <source>This phone cannot be activated here: it has no SIM and no eSIM.</source>
        <translation>Dieses Telefon kann hier nicht aktiviert werden: Es hat weder SIM noch eSIM.</translation>
    </message>
    <message>
        <source>This phone has no SIM that can be activated.</source>
        <translation>Dieses Telefon hat keine SIM, die aktiviert werden kann.</translation>
    </message>
    <message>
        <source>There are no plans for this phone right now.</source>
        <translation>Für dieses Telefon gibt es derzeit keine Tarife.</translation>
    </message>
    <message>
        <source>Some details are missing or not valid.</source>
        <translation>Einige Angaben fehlen oder sind ungültig.</translation>
    </message>
    <message>
        <source>Please check the form.</source>
        <translation>Bitte prüfen Sie das Formular.</translation>
    </message>
    <message>
        <source>This kiosk has no way to take payment right now.</source>
        <translation>Dieses Terminal kann gerade keine Zahlung annehmen.</translation>
    </message>
    <message>
        <source>The payment did not go through.</source>
        <translation>Die Zahlung ist nicht durchgegangen.</translation>
    </message>
    <message>
        <source>The activation was refused.</source>
        <translation>Die Aktivierung wurde abgelehnt.</translation>
    </message>
    <message>
        <source>This kiosk cannot connect to the activation service.</source>
        <translation>Dieses Terminal erreicht den Aktivierungsdienst nicht.</translation>
    </message>
    <message>
        <source>Please ask a member of staff: the kiosk&apos;s API key needs attention.</source>
        <translation>Bitte wenden Sie sich an unsere Mitarbeiter: Der API-Schlüssel des Terminals muss geprüft werden.</translation>
    </message>
    <message>
        <source>The activation service is busy.</source>
        <translation>Der Aktivierungsdienst ist ausgelastet.</translation>
    </message>
    <message>
        <source>Please try again in a minute.</source>
        <translation>Bitte versuchen Sie es in einer Minute erneut.</translation>
    </message>
    <message>
        <source>The activation service cannot be reached right now.</source>
        <translation>Der Aktivierungsdienst ist gerade nicht erreichbar.</translation>
    </message>
    <message>
        <source>Please try again in a moment.</source>
        <translation>Bitte versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>Something went wrong.</source>
        <translation>Etwas ist schiefgegangen.</translation>
    </message>
    <message>
        <source>Starting the camera...</source>
        <translation>Kamera wird gestartet…</translation>
    </message>
    <message>
        <source>Hold the barcode on the box to the camera.</source>
        <translation>Halten Sie den Barcode auf der Verpackung vor die Kamera.</translation>
    </message>
    <message>
        <source>No camera found. Trying again... You can also type the IMEI.</source>
        <translation>Keine Kamera gefunden. Neuer Versuch… Sie können die IMEI auch eintippen.</translation>
    </message>
    <message>
        <source>The camera stopped responding. Reconnecting...</source>
        <translation>Die Kamera reagiert nicht mehr. Neue Verbindung…</translation>
    </message>
    <message>
        <source>The demo video ended. Starting it again...</source>
        <translation>Das Demo-Video ist zu Ende. Es startet neu…</translation>
    </message>
    <message>
        <source>The camera is off.</source>
        <translation>Die Kamera ist aus.</translation>
    </message>
    <message>
        <source>Please enter your email address.</source>
        <translation>Bitte geben Sie Ihre E-Mail-Adresse ein.</translation>
    </message>
    <message>
        <source>This does not look like an email address (like name@example.com).</source>
        <translation>Das sieht nicht nach einer E-Mail-Adresse aus (etwa name@example.com).</translation>
    </message>
    <message>
        <source>Please enter your full name.</source>
        <translation>Bitte geben Sie Vor- und Nachnamen ein.</translation>
    </message>
    <message>
        <source>Please shorten your name to 100 characters.</source>
        <translation>Bitte kürzen Sie Ihren Namen auf 100 Zeichen.</translation>
    </message>
    <message>
        <source>Please enter your name with letters.</source>
        <translation>Bitte geben Sie Ihren Namen mit Buchstaben ein.</translation>
    </message>
    <message>
        <source>This plan needs your home address.</source>
        <translation>Für diesen Tarif brauchen wir Ihre Wohnadresse.</translation>
    </message>
    <message>
        <source>Please enter your street and house number.</source>
        <translation>Bitte geben Sie Straße und Hausnummer ein.</translation>
    </message>
    <message>
        <source>Please enter your town or city.</source>
        <translation>Bitte geben Sie Ihren Ort ein.</translation>
    </message>
    <message>
        <source>Please choose your country.</source>
        <translation>Bitte wählen Sie Ihr Land.</translation>
    </message>
    <message>
        <source>This postcode is too long.</source>
        <translation>Diese Postleitzahl ist zu lang.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Shift</source>
        <translation>Umschalt</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>Next field</source>
        <translation>Nächstes Feld</translation>
    </message>
    <message>
        <source>Hide keyboard</source>
        <translation>Tastatur ausblenden</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <source>Digits and symbols</source>
        <translation>Ziffern und Zeichen</translation>
    </message>
    <message>
        <source>Letters</source>
        <translation>Buchstaben</translation>
    </message>
    <message>
        <source>Keyboard</source>
        <translation>Tastatur</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Caps lock</source>
        <translation>Feststelltaste</translation>
    </message>
</context>
<context>
    <name>OperatorPage</name>
    <message>
        <source>Staff only</source>
        <translation>Nur für Mitarbeiter</translation>
    </message>
    <message>
        <source>Enter the operator PIN.</source>
        <translation>Bitte geben Sie die Betreiber-PIN ein.</translation>
    </message>
    <message>
        <source>Operator PIN</source>
        <translation>Betreiber-PIN</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <source>Exit the kiosk</source>
        <translation>Terminal beenden</translation>
    </message>
    <message>
        <source>Back to the kiosk</source>
        <translation>Zurück zum Terminal</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Betreiber</translation>
    </message>
    <message>
        <source>Settings, diagnostics and activations. The kiosk locks again when you go back.</source>
        <translation>Einstellungen, Diagnose und Aktivierungen. Das Terminal sperrt sich wieder, wenn Sie zurückgehen.</translation>
    </message>
    <message>
        <source>Wrong PIN.</source>
        <translation>Falsche PIN.</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>Choose a new PIN</source>
        <translation>Neue PIN wählen</translation>
    </message>
    <message>
        <source>This kiosk still has the default PIN. Choose your own before the settings open: 4 to 12 digits.</source>
        <translation>Dieses Terminal hat noch die Standard-PIN. Wählen Sie eine eigene, bevor sich die Einstellungen öffnen: 4 bis 12 Ziffern.</translation>
    </message>
    <message>
        <source>New PIN</source>
        <translation>Neue PIN</translation>
    </message>
    <message>
        <source>The new PIN again</source>
        <translation>Die neue PIN noch einmal</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Save the new PIN</source>
        <translation>Neue PIN speichern</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again in %1.</source>
        <translation>Zu viele falsche PINs. Nächster Versuch in %1.</translation>
    </message>
    <message>
        <source>The new PIN could not be saved. Please try again or call support.</source>
        <translation>Die neue PIN konnte nicht gespeichert werden. Bitte versuchen Sie es erneut oder rufen Sie den Support an.</translation>
    </message>
    <message>
        <source>A PIN has digits only.</source>
        <translation>Eine PIN besteht nur aus Ziffern.</translation>
    </message>
    <message>
        <source>A PIN has 4 to 12 digits.</source>
        <translation>Eine PIN hat 4 bis 12 Ziffern.</translation>
    </message>
    <message>
        <source>Not the default PIN: choose your own.</source>
        <translation>Nicht die Standard-PIN: Wählen Sie eine eigene.</translation>
    </message>
    <message>
        <source>Not one digit repeated: choose a harder PIN.</source>
        <translation>Nicht eine einzige Ziffer wiederholt: Wählen Sie eine schwerer zu erratende PIN.</translation>
    </message>
    <message>
        <source>The two PINs differ. Please choose the new PIN again.</source>
        <translation>Die beiden PINs unterscheiden sich. Bitte wählen Sie die neue PIN noch einmal.</translation>
    </message>
</context>
<context>
    <name>OperatorPanel</name>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnose</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>Aktivierungen</translation>
    </message>
    <message>
        <source>Send idempotency keys</source>
        <translation>Idempotenzschlüssel senden</translation>
    </message>
    <message>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Zahlung</translation>
    </message>
    <message>
        <source>Kiosk</source>
        <translation>Terminal</translation>
    </message>
    <message>
        <source>API URL</source>
        <translation>API-URL</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Idle time (s)</source>
        <translation>Leerlauf (s)</translation>
    </message>
    <message>
        <source>Countdown (s)</source>
        <translation>Countdown (s)</translation>
    </message>
    <message>
        <source>Activation deadline (s)</source>
        <translation>Aktivierungsfrist (s)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>New PIN</source>
        <translation>Neue PIN</translation>
    </message>
    <message>
        <source>Repeat the PIN</source>
        <translation>PIN wiederholen</translation>
    </message>
    <message>
        <source>Enrolment code</source>
        <translation>Anmeldecode</translation>
    </message>
    <message>
        <source>Idempotency keys</source>
        <translation>Idempotenzschlüssel</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Join a fleet</source>
        <translation>Einer Flotte beitreten</translation>
    </message>
    <message>
        <source>from the gateway, e.g. 7K3M-Q9TX-2HPW</source>
        <translation>vom Gateway, z. B. 7K3M-Q9TX-2HPW</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Preview camera</source>
        <translation>Kamera ansehen</translation>
    </message>
    <message>
        <source>stored (type to replace)</source>
        <translation>gespeichert (zum Ersetzen eintippen)</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <source>: not saved</source>
        <translation>: nicht gespeichert</translation>
    </message>
    <message>
        <source>the two PINs differ</source>
        <translation>die beiden PINs unterscheiden sich</translation>
    </message>
    <message>
        <source>a PIN has 4 to 12 digits</source>
        <translation>eine PIN hat 4 bis 12 Ziffern</translation>
    </message>
    <message>
        <source>%1 frames/s, decoding %2 ms</source>
        <translation>%1 Bilder/s, Decodieren %2 ms</translation>
    </message>
    <message>
        <source>not running (it runs on the scan page only)</source>
        <translation>läuft nicht (sie läuft nur auf der Scan-Seite)</translation>
    </message>
    <message>
        <source>not the default PIN</source>
        <translation>nicht die Standard-PIN</translation>
    </message>
    <message>
        <source>not one digit repeated</source>
        <translation>nicht eine einzige Ziffer wiederholt</translation>
    </message>
    <message>
        <source>✔ Saved. Restart the kiosk to use the new API settings.</source>
        <translation>✔ Gespeichert. Starten Sie das Terminal neu, um die neuen API-Einstellungen zu verwenden.</translation>
    </message>
</context>
<context>
    <name>PairStation</name>
    <message>
        <source>Pairing station</source>
        <translation>Kopplungsstation</translation>
    </message>
    <message>
        <source>Undo last pairing</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Kamera</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
    <message>
        <source>Hold the box&apos;s barcode, then the SIM card&apos;s, to the camera.</source>
        <translation>Halten Sie den Barcode des Kartons und dann den der SIM-Karte vor die Kamera.</translation>
    </message>
    <message>
        <source>now scan the SIM card&apos;s ICCID</source>
        <translation>jetzt die ICCID der SIM-Karte scannen</translation>
    </message>
    <message>
        <source>scan the box&apos;s IMEI</source>
        <translation>die IMEI auf dem Karton scannen</translation>
    </message>
    <message>
        <source>Scan the box&apos;s IMEI (both IMEIs of a dual-SIM box), then the SIM card&apos;s ICCID.</source>
        <translation>Die IMEI auf dem Karton scannen (bei Dual-SIM beide IMEIs), dann die ICCID der SIM-Karte.</translation>
    </message>
    <message>
        <source>Box scanned: now scan the SIM card&apos;s ICCID.</source>
        <translation>Karton gescannt: jetzt die ICCID der SIM-Karte scannen.</translation>
    </message>
    <message>
        <source>Pairing… scan the next box&apos;s IMEI.</source>
        <translation>Wird gekoppelt … die IMEI des nächsten Kartons scannen.</translation>
    </message>
    <message>
        <source>✘ That is a SIM card, but no box is scanned yet: scan the box&apos;s IMEI first, then the SIM card. Nothing was paired.</source>
        <translation>✘ Das ist eine SIM-Karte, aber noch kein Karton ist gescannt: erst die IMEI auf dem Karton scannen, dann die SIM-Karte. Nichts wurde gekoppelt.</translation>
    </message>
    <message>
        <source>✘ The box scanned before was forgotten (too long without a scan): scan the box&apos;s IMEI again, then the SIM card. Nothing was paired.</source>
        <translation>✘ Der zuvor gescannte Karton wurde vergessen (zu lange kein Scan): die IMEI auf dem Karton noch einmal scannen, dann die SIM-Karte. Nichts wurde gekoppelt.</translation>
    </message>
    <message>
        <source>✘ That ICCID&apos;s check digit is wrong: scan the SIM card again. Nothing was paired.</source>
        <translation>✘ Die Prüfziffer dieser ICCID stimmt nicht: die SIM-Karte noch einmal scannen. Nichts wurde gekoppelt.</translation>
    </message>
    <message>
        <source>✘ That IMEI&apos;s check digit is wrong: scan it again.</source>
        <translation>✘ Die Prüfziffer dieser IMEI stimmt nicht: noch einmal scannen.</translation>
    </message>
    <message>
        <source>✘ That IMEI is from another box, and the box before got no SIM card: nothing was paired. The new box counts: now scan its SIM card.</source>
        <translation>✘ Diese IMEI gehört zu einem anderen Karton, und der Karton davor bekam keine SIM-Karte: nichts wurde gekoppelt. Es gilt der neue Karton: jetzt seine SIM-Karte scannen.</translation>
    </message>
    <message>
        <source>✘ That is an EID (the eSIM chip&apos;s id), not an ICCID or an IMEI: %1.</source>
        <translation>✘ Das ist eine EID (die Kennung des eSIM-Chips), keine ICCID und keine IMEI: %1.</translation>
    </message>
    <message>
        <source>✘ That is a serial number, not an IMEI or an ICCID: %1.</source>
        <translation>✘ Das ist eine Seriennummer, keine IMEI und keine ICCID: %1.</translation>
    </message>
    <message>
        <source>✘ Not an IMEI or an ICCID: %1.</source>
        <translation>✘ Weder IMEI noch ICCID: %1.</translation>
    </message>
    <message>
        <source>⚠ This SIM card or box is being paired right now: wait for its verdict. Nothing was started twice.</source>
        <translation>⚠ Diese SIM-Karte oder dieser Karton wird gerade gekoppelt: auf das Ergebnis warten. Nichts wurde doppelt gestartet.</translation>
    </message>
    <message>
        <source>✔ Paired. Scan the next box&apos;s IMEI.</source>
        <translation>✔ Gekoppelt. Die IMEI des nächsten Kartons scannen.</translation>
    </message>
    <message>
        <source>✔ Already paired: nothing changed. Scan the next box&apos;s IMEI.</source>
        <translation>✔ Schon gekoppelt: nichts geändert. Die IMEI des nächsten Kartons scannen.</translation>
    </message>
    <message>
        <source>✘ Not paired. %1. Next: scan a box&apos;s IMEI.</source>
        <translation>✘ Nicht gekoppelt. %1. Weiter: die IMEI eines Kartons scannen.</translation>
    </message>
    <message>
        <source>⚠ Not paired. %1.</source>
        <translation>⚠ Nicht gekoppelt. %1.</translation>
    </message>
    <message>
        <source>Unfinished pairings of the last run completed: %1.</source>
        <translation>Unfertige Kopplungen des letzten Laufs abgeschlossen: %1.</translation>
    </message>
    <message>
        <source>Interrupted, scan the box and SIM card again: %1</source>
        <translation>Unterbrochen, Karton und SIM-Karte noch einmal scannen: %1</translation>
    </message>
    <message>
        <source>↩ The last pairing is undone.</source>
        <translation>↩ Die letzte Kopplung ist zurückgenommen.</translation>
    </message>
    <message>
        <source>⚠ The undo did not go through: try again.</source>
        <translation>⚠ Das Zurücknehmen hat nicht geklappt: noch einmal versuchen.</translation>
    </message>
    <message>
        <source>%1 paired · %2 already paired · %3 refused · %4 to try again</source>
        <translation>%1 gekoppelt · %2 schon gekoppelt · %3 abgelehnt · %4 zu wiederholen</translation>
    </message>
</context>
<context>
    <name>PairTable</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Why / next</source>
        <translation>Grund / weiter</translation>
    </message>
    <message>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <source>ICCID</source>
        <translation>ICCID</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Paired phones</source>
        <translation>Gekoppelte Telefone</translation>
    </message>
    <message>
        <source>%1 +1 IMEI</source>
        <translation>%1 +1 IMEI</translation>
    </message>
    <message>
        <source>▶ Scan the SIM card</source>
        <translation>▶ SIM-Karte scannen</translation>
    </message>
    <message>
        <source>Box scanned: now the SIM card&apos;s ICCID</source>
        <translation>Karton gescannt: jetzt die ICCID der SIM-Karte</translation>
    </message>
    <message>
        <source>… Pairing</source>
        <translation>… Wird gekoppelt</translation>
    </message>
    <message>
        <source>Wait for the verdict</source>
        <translation>Auf das Ergebnis warten</translation>
    </message>
    <message>
        <source>✘ Not paired</source>
        <translation>✘ Nicht gekoppelt</translation>
    </message>
    <message>
        <source>Another box was scanned before its SIM card</source>
        <translation>Vor seiner SIM-Karte wurde ein anderer Karton gescannt</translation>
    </message>
    <message>
        <source>✔ Paired</source>
        <translation>✔ Gekoppelt</translation>
    </message>
    <message>
        <source>Device created with this SIM</source>
        <translation>Gerät mit dieser SIM angelegt</translation>
    </message>
    <message>
        <source>SIM card attached to the device</source>
        <translation>SIM-Karte dem Gerät zugeordnet</translation>
    </message>
    <message>
        <source>= Already paired</source>
        <translation>= Schon gekoppelt</translation>
    </message>
    <message>
        <source>Nothing changed</source>
        <translation>Nichts geändert</translation>
    </message>
    <message>
        <source>↩ Undone</source>
        <translation>↩ Zurückgenommen</translation>
    </message>
    <message>
        <source>The pairing was taken back</source>
        <translation>Die Kopplung wurde zurückgenommen</translation>
    </message>
    <message>
        <source>✘ Refused</source>
        <translation>✘ Abgelehnt</translation>
    </message>
    <message>
        <source>⚠ Try again</source>
        <translation>⚠ Noch einmal</translation>
    </message>
    <message>
        <source>Forgotten: too long without its SIM card</source>
        <translation>Vergessen: zu lange ohne seine SIM-Karte</translation>
    </message>
    <message>
        <source>This SIM card is not in the project</source>
        <translation>Diese SIM-Karte gehört nicht zum Projekt</translation>
    </message>
    <message>
        <source>This SIM card is retired: put another one in</source>
        <translation>Diese SIM-Karte ist stillgelegt: eine andere einlegen</translation>
    </message>
    <message>
        <source>This SIM card is already in another phone</source>
        <translation>Diese SIM-Karte steckt schon in einem anderen Telefon</translation>
    </message>
    <message>
        <source>This phone model does not take this kind of SIM</source>
        <translation>Dieses Telefonmodell nimmt diese Art SIM nicht</translation>
    </message>
    <message>
        <source>The phone model of this IMEI is not known</source>
        <translation>Das Telefonmodell dieser IMEI ist nicht bekannt</translation>
    </message>
    <message>
        <source>This phone already holds another SIM card</source>
        <translation>Dieses Telefon hat schon eine andere SIM-Karte</translation>
    </message>
    <message>
        <source>The Gigs API could not be reached: scan the box and the SIM card again</source>
        <translation>Die Gigs-API war nicht erreichbar: Karton und SIM-Karte noch einmal scannen</translation>
    </message>
    <message>
        <source>This IMEI belongs to a customer&apos;s phone: ask support</source>
        <translation>Diese IMEI gehört zum Telefon eines Kunden: Support fragen</translation>
    </message>
    <message>
        <source>That is a test placeholder, not a SIM card: scan the card&apos;s own ICCID</source>
        <translation>Das ist ein Test-Platzhalter, keine SIM-Karte: die ICCID der Karte scannen</translation>
    </message>
    <message>
        <source>The answer was lost: scan the box and the SIM card again in a minute to check</source>
        <translation>Die Antwort ging verloren: Karton und SIM-Karte in einer Minute erneut scannen, um es zu prüfen</translation>
    </message>
    <message>
        <source>Another station changed this phone at the same moment: scan the box and the SIM card again</source>
        <translation>Eine andere Station hat dieses Telefon gleichzeitig geändert: Karton und SIM-Karte erneut scannen</translation>
    </message>
    <message>
        <source>The station cannot write its journal (disk full?): nothing was sent</source>
        <translation>Die Station kann ihr Journal nicht schreiben (Speicher voll?): nichts wurde gesendet</translation>
    </message>
    <message>
        <source>The Gigs API refused this pairing: ask support</source>
        <translation>Die Gigs-API hat diese Kopplung abgelehnt: Support fragen</translation>
    </message>
    <message>
        <source>Something went wrong: scan the box and the SIM card again</source>
        <translation>Etwas ist schiefgegangen: Karton und SIM-Karte noch einmal scannen</translation>
    </message>
    <message>
        <source>The API key was refused: ask for the station&apos;s key to be checked</source>
        <translation>Der API-Schlüssel wurde abgelehnt: den Schlüssel der Station prüfen lassen</translation>
    </message>
    <message>
        <source>Several SIMs have this ICCID: ask support</source>
        <translation>Mehrere SIMs haben diese ICCID: den Support fragen</translation>
    </message>
    <message>
        <source>These IMEIs are two registered devices, not one box: ask support</source>
        <translation>Diese IMEIs sind zwei registrierte Geräte, nicht ein Karton: den Support fragen</translation>
    </message>
    <message>
        <source>This IMEI was registered meanwhile: scan the box again</source>
        <translation>Diese IMEI wurde inzwischen registriert: den Karton noch einmal scannen</translation>
    </message>
</context>
<context>
    <name>PaymentTab</name>
    <message>
        <source>Payment method</source>
        <translation>Zahlungsmittel</translation>
    </message>
    <message>
        <source>pm_… (load the list, or type it)</source>
        <translation>pm_… (Liste laden oder eintippen)</translation>
    </message>
    <message>
        <source>Payment methods</source>
        <translation>Zahlungsmittel</translation>
    </message>
    <message>
        <source>Load payment methods</source>
        <translation>Zahlungsmittel laden</translation>
    </message>
    <message>
        <source>Use this one</source>
        <translation>Dieses verwenden</translation>
    </message>
    <message>
        <source>In a fleet, the gateway sets the store&apos;s payment method (%1).</source>
        <translation>In einer Flotte legt das Gateway die Zahlungsmethode des Geschäfts fest (%1).</translation>
    </message>
    <message>
        <source>the gateway&apos;s default</source>
        <translation>Vorgabe des Gateways</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Cannot list payment methods (%1). Type the store&apos;s method id above; Check this project (Diagnostics) checks it.</source>
        <translation>Zahlungsmittel können nicht aufgelistet werden (%1). Tippen Sie oben die ID des Zahlungsmittels des Geschäfts ein; „Dieses Projekt prüfen“ (Diagnose) prüft sie.</translation>
    </message>
    <message>
        <source>The method set now (%1) is not in this list.</source>
        <translation>Das eingestellte Zahlungsmittel (%1) ist nicht in dieser Liste.</translation>
    </message>
    <message>
        <source>None of these can pay an order.</source>
        <translation>Keines davon kann eine Bestellung bezahlen.</translation>
    </message>
    <message>
        <source>%1 of %2 can pay. Tap one, then Use this one.</source>
        <translation>%1 von %2 können zahlen. Tippen Sie auf eines, dann auf „Dieses verwenden“.</translation>
    </message>
    <message>
        <source>✔ in use</source>
        <translation>✔ aktiv</translation>
    </message>
    <message>
        <source>➜ chosen, not saved</source>
        <translation>➜ gewählt, nicht gespeichert</translation>
    </message>
    <message>
        <source>in use until Save</source>
        <translation>aktiv bis Speichern</translation>
    </message>
    <message>
        <source>card</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>✔ can pay</source>
        <translation>✔ kann zahlen</translation>
    </message>
    <message>
        <source>✘ cannot pay: %1</source>
        <translation>✘ kann nicht zahlen: %1</translation>
    </message>
    <message>
        <source>Owner: %1</source>
        <translation>Inhaber: %1</translation>
    </message>
    <message>
        <source>%1 cannot be used: %2</source>
        <translation>%1 kann nicht verwendet werden: %2</translation>
    </message>
    <message>
        <source>%1 (%2): tap Use this one to pay with it.</source>
        <translation>%1 (%2): Tippen Sie auf „Dieses verwenden“, um damit zu zahlen.</translation>
    </message>
    <message>
        <source>%1 chosen. Save to pay with it.</source>
        <translation>%1 gewählt. Speichern Sie, um damit zu zahlen.</translation>
    </message>
    <message>
        <source>available</source>
        <translation>verfügbar</translation>
    </message>
    <message>
        <source>needs confirmation</source>
        <translation>muss bestätigt werden</translation>
    </message>
    <message>
        <source>it must be confirmed before it can pay</source>
        <translation>es muss bestätigt werden, bevor es zahlen kann</translation>
    </message>
    <message>
        <source>its status is %1</source>
        <translation>sein Status ist %1</translation>
    </message>
    <message>
        <source>the sandbox&apos;s test card that every payment declines</source>
        <translation>die Testkarte der Sandbox, die jede Zahlung ablehnt</translation>
    </message>
    <message>
        <source>a customer&apos;s own card: it pays only that customer&apos;s orders</source>
        <translation>die eigene Karte eines Kunden: Sie zahlt nur dessen Bestellungen</translation>
    </message>
    <message>
        <source>its last payment from this kiosk was declined</source>
        <translation>seine letzte Zahlung von diesem Terminal wurde abgelehnt</translation>
    </message>
    <message>
        <source>the API refused it for an order (%1)</source>
        <translation>die API hat es für eine Bestellung abgelehnt (%1)</translation>
    </message>
    <message>
        <source>its owner is blocked</source>
        <translation>sein Inhaber ist gesperrt</translation>
    </message>
    <message>
        <source>its owner is deleted</source>
        <translation>sein Inhaber ist gelöscht</translation>
    </message>
</context>
<context>
    <name>PendingPage</name>
    <message>
        <source>Your reference</source>
        <translation>Ihre Vorgangsnummer</translation>
    </message>
    <message>
        <source>We&apos;ll finish this in the background</source>
        <translation>Wir erledigen den Rest im Hintergrund</translation>
    </message>
    <message>
        <source>The network is taking longer than usual. Your SIM will activate by itself; nothing more is charged. If it is not working within an hour, show staff this reference:</source>
        <translation>Das Netz braucht länger als üblich. Ihre SIM wird von selbst aktiviert; es fallen keine weiteren Kosten an. Wenn sie in einer Stunde nicht funktioniert, zeigen Sie unseren Mitarbeitern diese Vorgangsnummer:</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>PlanCard</name>
    <message>
        <source>Starts when you first use it</source>
        <translation>Beginnt mit der ersten Nutzung</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>Wählen</translation>
    </message>
    <message>
        <source>Choose %1, %2</source>
        <translation>%1 wählen, %2</translation>
    </message>
</context>
<context>
    <name>PlanPage</name>
    <message numerus="yes">
        <source>%n more plan(s) need details this kiosk cannot take: please ask staff.</source>
        <translation>
            <numerusform>%n weiterer Tarif braucht Angaben, die dieser Kiosk nicht aufnehmen kann: bitte fragen Sie unser Personal.</numerusform>
            <numerusform>%n weitere Tarife brauchen Angaben, die dieser Kiosk nicht aufnehmen kann: bitte fragen Sie unser Personal.</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a plan</source>
        <extracomment>On a low screen the buttons lose some padding (56 px high, still a large target), so two rows of cards fit 768 px.</extracomment>
        <translation>Tarif wählen</translation>
    </message>
    <message>
        <source>Choose a plan for your new eSIM</source>
        <translation>Tarif für Ihre neue eSIM wählen</translation>
    </message>
    <message>
        <source>Choose a plan for your eSIM</source>
        <translation>Tarif für Ihre eSIM wählen</translation>
    </message>
    <message>
        <source>Choose a plan for your SIM card</source>
        <translation>Tarif für Ihre SIM-Karte wählen</translation>
    </message>
    <message>
        <source>Prices include everything. You pay at the counter.</source>
        <translation>Alle Preise inklusive. Sie bezahlen an der Kasse.</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
</context>
<context>
    <name>ProjectCheck</name>
    <message>
        <source>Checks the API set on the Connection tab (saved or not). A live project is only read: nothing is created or paid.</source>
        <translation>Prüft die auf dem Reiter „Verbindung“ eingestellte API (gespeichert oder nicht). Ein Live-Projekt wird nur gelesen: Nichts wird angelegt oder bezahlt.</translation>
    </message>
    <message>
        <source>Check this project</source>
        <translation>Dieses Projekt prüfen</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>✘ The check failed: %1</source>
        <translation>✘ Die Prüfung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>✔ OK</source>
        <translation>✔ OK</translation>
    </message>
    <message>
        <source>⚠ Warning</source>
        <translation>⚠ Warnung</translation>
    </message>
    <message>
        <source>✘ Problem</source>
        <translation>✘ Problem</translation>
    </message>
    <message>
        <source>%1 problem(s), %2 warning(s)</source>
        <translation>%1 Problem(e), %2 Warnung(en)</translation>
    </message>
    <message>
        <source>Everything checked works.</source>
        <translation>Alles Geprüfte funktioniert.</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>Plans</source>
        <translation>Tarife</translation>
    </message>
    <message>
        <source>Plan requirements</source>
        <translation>Tarif-Voraussetzungen</translation>
    </message>
    <message>
        <source>Device search</source>
        <translation>Gerätesuche</translation>
    </message>
    <message>
        <source>Subscriptions list</source>
        <translation>Vertragsliste</translation>
    </message>
    <message>
        <source>Subscriptions by SIM</source>
        <translation>Verträge nach SIM</translation>
    </message>
    <message>
        <source>Order list</source>
        <translation>Bestellliste</translation>
    </message>
    <message>
        <source>Payment method</source>
        <translation>Zahlungsmittel</translation>
    </message>
    <message>
        <source>Idempotency keys</source>
        <translation>Idempotenzschlüssel</translation>
    </message>
    <message>
        <source>the API key is accepted</source>
        <translation>der API-Schlüssel wird angenommen</translation>
    </message>
    <message>
        <source>rejected ({error}): the key is wrong or expired, or may not do this; nothing works</source>
        <translation>abgelehnt ({error}): Der Schlüssel ist falsch, abgelaufen oder nicht berechtigt; nichts funktioniert</translation>
    </message>
    <message>
        <source>the API cannot be reached ({error}): check the URL and the network</source>
        <translation>die API ist nicht erreichbar ({error}): Prüfen Sie URL und Netzwerk</translation>
    </message>
    <message>
        <source>project not found ({error}): check the project id</source>
        <translation>Projekt nicht gefunden ({error}): Prüfen Sie die Projekt-ID</translation>
    </message>
    <message>
        <source>the API refused a plain read ({error})</source>
        <translation>die API hat eine einfache Leseanfrage abgelehnt ({error})</translation>
    </message>
    <message>
        <source>{on_sale} on sale ({total} in all)</source>
        <translation>{on_sale} im Verkauf ({total} insgesamt)</translation>
    </message>
    <message>
        <source>none on sale ({total} in all): the kiosk has nothing to offer</source>
        <translation>keiner im Verkauf ({total} insgesamt): Das Terminal kann nichts anbieten</translation>
    </message>
    <message>
        <source>no plan on sale asks for more than an email address</source>
        <translation>kein Tarif im Verkauf verlangt mehr als eine E-Mail-Adresse</translation>
    </message>
    <message>
        <source>the kiosk collects what plans ask for: {asked}</source>
        <translation>das Terminal erfragt, was die Tarife verlangen: {asked}</translation>
    </message>
    <message>
        <source>plans ask for {asked}; the kiosk does not collect {what}, so it cannot sell {plans}</source>
        <translation>Tarife verlangen {asked}; das Terminal erfragt {what} nicht und kann daher {plans} nicht verkaufen</translation>
    </message>
    <message>
        <source>answers ({found} device(s) for the test IMEI {imei})</source>
        <translation>antwortet ({found} Gerät(e) zur Test-IMEI {imei})</translation>
    </message>
    <message>
        <source>fails ({error}): no phone can be looked up</source>
        <translation>schlägt fehl ({error}): Kein Telefon kann gesucht werden</translation>
    </message>
    <message>
        <source>the list answers (without a filter)</source>
        <translation>die Liste antwortet (ohne Filter)</translation>
    </message>
    <message>
        <source>fails ({error}): the kiosk cannot see whether a SIM already has a subscription</source>
        <translation>schlägt fehl ({error}): Das Terminal sieht nicht, ob eine SIM schon einen Vertrag hat</translation>
    </message>
    <message>
        <source>?sim= is honoured</source>
        <translation>?sim= wird beachtet</translation>
    </message>
    <message>
        <source>?sim= is ignored (the answer held other SIMs&apos; subscriptions): the kiosk must filter them itself</source>
        <translation>?sim= wird ignoriert (die Antwort enthielt Verträge anderer SIMs): Das Terminal muss selbst filtern</translation>
    </message>
    <message>
        <source>?sim= is refused ({error}): the kiosk must find a SIM&apos;s subscription another way</source>
        <translation>?sim= wird abgelehnt ({error}): Das Terminal muss den Vertrag einer SIM auf anderem Weg finden</translation>
    </message>
    <message>
        <source>?sim= found nothing for a SIM that has a subscription: do not rely on it</source>
        <translation>?sim= fand nichts zu einer SIM, die einen Vertrag hat: Verlassen Sie sich nicht darauf</translation>
    </message>
    <message>
        <source>cannot tell yet: the project has no subscription with a SIM</source>
        <translation>noch nicht feststellbar: Das Projekt hat keinen Vertrag mit SIM</translation>
    </message>
    <message>
        <source>fails ({error})</source>
        <translation>schlägt fehl ({error})</translation>
    </message>
    <message>
        <source>the order list answers: a lost order can be found</source>
        <translation>die Bestellliste antwortet: Eine verlorene Bestellung lässt sich finden</translation>
    </message>
    <message>
        <source>no order list ({error}): the kiosk cannot prove that an order does not exist and must look for its subscription instead</source>
        <translation>keine Bestellliste ({error}): Das Terminal kann nicht beweisen, dass es eine Bestellung nicht gibt, und muss stattdessen ihren Vertrag suchen</translation>
    </message>
    <message>
        <source>fails ({error}): a lost order cannot be looked up</source>
        <translation>schlägt fehl ({error}): Eine verlorene Bestellung kann nicht gesucht werden</translation>
    </message>
    <message>
        <source>none configured: orders cannot be paid (fine for a project that creates subscriptions directly)</source>
        <translation>keines eingestellt: Bestellungen können nicht bezahlt werden (in Ordnung für ein Projekt, das Verträge direkt anlegt)</translation>
    </message>
    <message>
        <source>{id} ({card}) is available; owner {owner}</source>
        <translation>{id} ({card}) ist verfügbar; Inhaber {owner}</translation>
    </message>
    <message>
        <source>{id} needs confirmation first (owner {owner}): orders would not be paid</source>
        <translation>{id} muss erst bestätigt werden (Inhaber {owner}): Bestellungen würden nicht bezahlt</translation>
    </message>
    <message>
        <source>{id} has status {status} (owner {owner}): orders may not be paid</source>
        <translation>{id} hat den Status {status} (Inhaber {owner}): Bestellungen werden vielleicht nicht bezahlt</translation>
    </message>
    <message>
        <source>{id} was not found ({error}): every order would fail</source>
        <translation>{id} wurde nicht gefunden ({error}): Jede Bestellung würde scheitern</translation>
    </message>
    <message>
        <source>fails ({error}): the store&apos;s payment method cannot be checked</source>
        <translation>schlägt fehl ({error}): Das Zahlungsmittel des Geschäfts lässt sich nicht prüfen</translation>
    </message>
    <message>
        <source>unknown (cannot be tested without creating something); the kiosk sends keys: if the project refuses them, every order fails</source>
        <translation>unbekannt (nicht prüfbar, ohne etwas anzulegen); das Terminal sendet Schlüssel: Lehnt das Projekt sie ab, scheitert jede Bestellung</translation>
    </message>
    <message>
        <source>unknown (cannot be tested without creating something); the kiosk sends none</source>
        <translation>unbekannt (nicht prüfbar, ohne etwas anzulegen); das Terminal sendet keine</translation>
    </message>
    <message>
        <source>not tested: the kiosk sends none</source>
        <translation>nicht geprüft: Das Terminal sendet keine</translation>
    </message>
    <message>
        <source>accepted and honoured (one key, sent twice: one user)</source>
        <translation>angenommen und beachtet (ein Schlüssel, zweimal gesendet: ein Benutzer)</translation>
    </message>
    <message>
        <source>accepted but ignored (one key, sent twice: two attempts): exactly-once rests on the kiosk&apos;s own checks</source>
        <translation>angenommen, aber ignoriert (ein Schlüssel, zweimal gesendet: zwei Versuche): Genau-einmal hängt an den eigenen Prüfungen des Terminals</translation>
    </message>
    <message>
        <source>refused ({error}): switch idempotency keys off, or every order fails</source>
        <translation>abgelehnt ({error}): Schalten Sie die Idempotenzschlüssel aus, sonst scheitert jede Bestellung</translation>
    </message>
    <message>
        <source>could not be tested ({error})</source>
        <translation>konnte nicht geprüft werden ({error})</translation>
    </message>
</context>
<context>
    <name>QaStation</name>
    <message>
        <source>QA station</source>
        <translation>QS-Station</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <source>New batch</source>
        <translation>Neue Charge</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>IMEI</source>
        <translation>IMEI</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registriert</translation>
    </message>
    <message>
        <source>SIMs</source>
        <translation>SIMs</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Doppelt</translation>
    </message>
    <message>
        <source>Scanned devices</source>
        <translation>Gescannte Geräte</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>registriert</translation>
    </message>
    <message>
        <source>%1 SIM(s)</source>
        <translation>%1 SIM(s)</translation>
    </message>
    <message>
        <source>SIM not active</source>
        <translation>SIM nicht aktiv</translation>
    </message>
    <message>
        <source>model %1</source>
        <translation>Modell %1</translation>
    </message>
    <message>
        <source>scan the SIM card&apos;s ICCID after the IMEI</source>
        <translation>nach der IMEI die ICCID der SIM-Karte scannen</translation>
    </message>
    <message>
        <source>Scan IMEIs with the scanner or the camera. Passes if: %1</source>
        <translation>IMEIs mit Scanner oder Kamera scannen. Bestanden, wenn: %1</translation>
    </message>
    <message>
        <source>✘ Not an IMEI or ICCID: scan again</source>
        <translation>✘ Keine IMEI oder ICCID: bitte erneut scannen</translation>
    </message>
    <message>
        <source>SIM card paired</source>
        <translation>SIM-Karte zugeordnet</translation>
    </message>
    <message>
        <source>Scan the IMEI first</source>
        <translation>Zuerst die IMEI scannen</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>DUPLICATE</source>
        <translation>DOPPELT</translation>
    </message>
    <message>
        <source>%1 scanned · %2 passed · %3 failed · %4 duplicates</source>
        <translation>%1 gescannt · %2 bestanden · %3 durchgefallen · %4 doppelt</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Exportiert nach %1</translation>
    </message>
</context>
<context>
    <name>ReadyPage</name>
    <message>
        <source>eSIM QR code</source>
        <translation>eSIM-QR-Code</translation>
    </message>
    <message>
        <source>SM-DP+ address</source>
        <translation>SM-DP+-Adresse</translation>
    </message>
    <message>
        <source>Activation code</source>
        <translation>Aktivierungscode</translation>
    </message>
    <message>
        <source>Scan this code with the phone your watch is paired with. It works once: keep it to yourself.</source>
        <translation>Scannen Sie diesen Code mit dem Telefon, mit dem Ihre Uhr gekoppelt ist. Er funktioniert nur einmal: Zeigen Sie ihn niemandem.</translation>
    </message>
    <message>
        <source>Apple Watch: on the paired iPhone, Watch app → Mobile Service → Add plan.
Other watches: in the watch&apos;s app on the phone, add a mobile plan and scan the code.</source>
        <translation>Apple Watch: auf dem gekoppelten iPhone, App „Watch“ → Mobilfunk → Tarif hinzufügen.
Andere Uhren: in der App der Uhr auf dem Telefon einen Mobilfunktarif hinzufügen und den Code scannen.</translation>
    </message>
    <message>
        <source>Scan this code with the new tablet&apos;s camera. It works once: keep it to yourself.</source>
        <translation>Scannen Sie diesen Code mit der Kamera des neuen Tablets. Er funktioniert nur einmal: Zeigen Sie ihn niemandem.</translation>
    </message>
    <message>
        <source>iPad: Settings → Mobile Data → Add eSIM → Use QR Code.
Android tablet: Settings → Network → SIMs → Add eSIM → Scan QR code.</source>
        <translation>iPad: Einstellungen → Mobile Daten → eSIM hinzufügen → QR-Code verwenden.
Android-Tablet: Einstellungen → Netzwerk → SIMs → eSIM hinzufügen → QR-Code scannen.</translation>
    </message>
    <message>
        <source>I&apos;m done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Your eSIM is ready</source>
        <translation>Ihre eSIM ist bereit</translation>
    </message>
    <message>
        <source>⚠ It will ask for a confirmation code, which this kiosk cannot show. Please ask staff before you scan.</source>
        <translation>⚠ Es wird nach einem Bestätigungscode gefragt, den dieser Kiosk nicht anzeigen kann. Bitte fragen Sie vor dem Scannen das Personal.</translation>
    </message>
    <message>
        <source>Scan this code with the new phone&apos;s camera. It works once: keep it to yourself.</source>
        <translation>Scannen Sie diesen Code mit der Kamera des neuen Telefons. Er funktioniert nur einmal: Zeigen Sie ihn niemandem.</translation>
    </message>
    <message>
        <source>iPhone: Settings → Mobile Service → Add eSIM → Use QR Code.
Android: Settings → Network → SIMs → Add eSIM → Scan QR code.</source>
        <translation>iPhone: Einstellungen → Mobilfunk → eSIM hinzufügen → QR-Code verwenden.
Android: Einstellungen → Netzwerk → SIMs → eSIM hinzufügen → QR-Code scannen.</translation>
    </message>
    <message>
        <source>Can&apos;t scan? Enter it by hand:</source>
        <translation>Scannen geht nicht? Von Hand eingeben:</translation>
    </message>
    <message>
        <source>Your plan starts when you first use it.</source>
        <translation>Ihr Tarif beginnt mit der ersten Nutzung.</translation>
    </message>
    <message>
        <source>✔ The eSIM is installed on the phone.</source>
        <translation>✔ Die eSIM ist auf dem Telefon installiert.</translation>
    </message>
    <message>
        <source>Your SIM is active</source>
        <translation>Ihre SIM ist aktiv</translation>
    </message>
    <message>
        <source>Your phone is ready to use.</source>
        <translation>Ihr Telefon ist einsatzbereit.</translation>
    </message>
    <message>
        <source>1. Make sure the SIM card is in the phone.
2. Restart the phone.
3. After a minute you should see the network name at the top.</source>
        <translation>1. Prüfen Sie, ob die SIM-Karte im Telefon steckt.
2. Starten Sie das Telefon neu.
3. Nach einer Minute erscheint oben der Netzname.</translation>
    </message>
    <message>
        <source>Your number: %1</source>
        <translation>Ihre Rufnummer: %1</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Placing your order…</source>
        <translation>Ihre Bestellung wird aufgegeben…</translation>
    </message>
    <message>
        <source>Check and confirm</source>
        <translation>Prüfen und bestätigen</translation>
    </message>
    <message>
        <source>SIM</source>
        <translation>SIM</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Tarif</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>Terms</source>
        <translation>Bedingungen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Nothing is ordered until you confirm.</source>
        <translation>Erst mit Ihrer Bestätigung wird bestellt.</translation>
    </message>
    <message>
        <source>a new eSIM</source>
        <translation>eine neue eSIM</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>Tablet</source>
        <translation>Tablet</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>Smartwatch</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>eSIM</source>
        <translation>eSIM</translation>
    </message>
    <message>
        <source>SIM card</source>
        <translation>SIM-Karte</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Confirm and activate (%1)</source>
        <translation>Bestätigen und aktivieren (%1)</translation>
    </message>
</context>
<context>
    <name>ScanPage</name>
    <message>
        <source>Camera preview</source>
        <translation>Kamerabild</translation>
    </message>
    <message>
        <source>Scan the barcode on the box</source>
        <translation>Barcode auf der Verpackung scannen</translation>
    </message>
    <message>
        <source>Hold the barcode labelled IMEI flat, about 20 cm from the camera.</source>
        <translation>Halten Sie den Barcode mit der Aufschrift IMEI flach, etwa 20 cm vor die Kamera.</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Type the 15 digits of the IMEI, then tap OK.</source>
        <translation>Tippen Sie die 15 Ziffern der IMEI ein, dann OK.</translation>
    </message>
    <message>
        <source>Looking for the barcode…</source>
        <translation>Suche den Barcode…</translation>
    </message>
    <message>
        <source>Use the camera instead</source>
        <translation>Doch die Kamera nutzen</translation>
    </message>
    <message>
        <source>Type the IMEI instead</source>
        <translation>IMEI stattdessen eintippen</translation>
    </message>
    <message>
        <source>Got it, hold still…</source>
        <translation>Erkannt, bitte ruhig halten…</translation>
    </message>
    <message>
        <source>That barcode is not an IMEI: look for the one labelled IMEI.</source>
        <translation>Dieser Barcode ist keine IMEI: Suchen Sie den mit der Aufschrift IMEI.</translation>
    </message>
    <message>
        <source>Looking for the barcode… hold the label flat and a little closer.</source>
        <translation>Suche den Barcode… Etikett flach und etwas näher halten.</translation>
    </message>
    <message>
        <source>Scanned. Looking up your phone…</source>
        <translation>Gescannt. Wir suchen Ihr Telefon…</translation>
    </message>
</context>
<context>
    <name>StepIndicator</name>
    <message>
        <source>Step %1 of %2 · %3</source>
        <translation>Schritt %1 von %2 · %3</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>%1: done</source>
        <translation>%1: erledigt</translation>
    </message>
    <message>
        <source>%1: in progress</source>
        <translation>%1: läuft</translation>
    </message>
    <message>
        <source>%1: waiting</source>
        <translation>%1: ausstehend</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Activate your new phone&apos;s SIM</source>
        <translation>Aktivieren Sie die SIM Ihres neuen Telefons</translation>
    </message>
    <message>
        <source>Get connected in a few minutes, right here.</source>
        <translation>In wenigen Minuten verbunden, direkt hier.</translation>
    </message>
    <message>
        <source>Scan the barcode on the box</source>
        <translation>Barcode auf der Verpackung scannen</translation>
    </message>
    <message>
        <source>Choose a plan</source>
        <translation>Tarif wählen</translation>
    </message>
    <message>
        <source>Confirm, and your SIM or eSIM is ready</source>
        <translation>Bestätigen – und Ihre SIM oder eSIM ist bereit</translation>
    </message>
    <message>
        <source>Hold the box&apos;s IMEI label to the camera, or dial *#06# on the phone and show its screen.</source>
        <translation>Halten Sie das IMEI-Etikett der Verpackung vor die Kamera, oder wählen Sie *#06# und zeigen Sie den Bildschirm.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Los geht’s</translation>
    </message>
</context>
</TS>
