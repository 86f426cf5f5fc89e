-- When the upload's rows became part of the published figures (the reporter's UploadReportableV1).
ALTER TABLE uploads ADD COLUMN reportable_at timestamptz;
