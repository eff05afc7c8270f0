// Attachments shared by the domain's contexts (case documents, SEA complaint evidence): what a
// file is (recognised by its content) with its identifying metadata removed, and how its
// content is cut into chunks sealed under the owning record's key.
export * from './attachment-content';
export * from './sealed-chunks';
