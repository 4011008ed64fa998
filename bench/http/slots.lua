-- GET slot search: 3 services over the default 14 days.
wrk.method = "GET"
wrk.path = "/api/v1/offices/buergerbuero/slots?service=personalausweis&service=anmeldung&service=beglaubigung"
